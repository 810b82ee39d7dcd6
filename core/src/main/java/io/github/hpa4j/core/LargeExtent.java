package io.github.hpa4j.core;

/**
 * A live large allocation.
 *
 * @param address   the first byte: hugepage-aligned, or page-aligned inside a region
 * @param size      the usable size, bytes: whole hugepages, or whole pages inside a region
 * @param requested the bytes asked for
 * @param inRegion  whether it is packed in a {@link HugeRegion}
 * @param toClear   the pages that may hold old data; the others read as zero
 */
public record LargeExtent(long address, long size, long requested, boolean inRegion, PagesToClear toClear) {
    /** {@return one past the last usable byte} */
    public long end() {
        return address + size;
    }

    /** {@return the usable size in pages} */
    public int pages() {
        return (int) (size >>> Pages.LG_PAGE);
    }

    /** {@return the hugepages the allocation spans from its start, rounded up} */
    public long hugepages() {
        return (size + Pages.HUGEPAGE_MASK) >>> Pages.LG_HUGEPAGE;
    }
}
