package io.github.hpa4j.core;

/**
 * A live allocation: jemalloc's {@code edata_t} as the HPA uses it. A value, not a capability: a
 * free is checked against the owning shard's own record of live extents, so a forged or stale
 * extent is refused, never trusted.
 *
 * @param address the first byte, page-aligned
 * @param size    bytes, a page multiple
 * @param shard   the index of the shard that owns it
 */
public record Extent(long address, long size, int shard) {
    /** {@return the slab (hugepage) the extent lies in} */
    public long slabAddress() {
        return Pages.hugepageBase(address);
    }

    /** {@return the size in pages} */
    public int pages() {
        return (int) (size >>> Pages.LG_PAGE);
    }

    /** {@return one past the last byte} */
    public long end() {
        return address + size;
    }

    @Override
    public String toString() {
        return "Extent[0x" + Long.toHexString(address) + ", +" + size + ", shard " + shard + "]";
    }
}
