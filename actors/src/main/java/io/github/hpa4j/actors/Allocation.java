package io.github.hpa4j.actors;

import io.github.hpa4j.bridge.Extents;
import io.github.hpa4j.core.Extent;
import java.lang.foreign.MemorySegment;

/**
 * Memory handed out by hpa4j: page-aligned, page-granular, owned by one shard until freed. A value:
 * a free is checked against the owning shard's record of live extents, so a forged or stale handle
 * is refused with a typed error, never trusted.
 *
 * @param address the first byte
 * @param size    bytes, a whole number of pages (the request rounded up)
 * @param shard   the shard that owns it and to which a free must go
 */
public record Allocation(long address, long size, int shard) {

    static Allocation of(Extent extent) {
        return new Allocation(extent.address(), extent.size(), extent.shard());
    }

    /**
     * A view of exactly this allocation: access outside it throws. Valid until the allocation is
     * freed; using it afterwards is a use-after-free the JVM cannot catch.
     */
    public MemorySegment segment() {
        return Extents.segmentOf(address, size);
    }

    Extent extent() {
        return new Extent(address, size, shard);
    }

    @Override
    public String toString() {
        return "Allocation[0x" + Long.toHexString(address) + ", " + size + " bytes, shard " + shard + "]";
    }
}
