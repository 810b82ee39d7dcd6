package io.github.hpa4j.core;

/**
 * The large allocator's counters, as {@code malloc_stats_print}'s "large" section and TCMalloc's
 * HugeCache / HugeRegion lines print them.
 *
 * @param nmalloc             allocations, ever
 * @param ndalloc             frees, ever
 * @param curExtents          live allocations
 * @param curBytes            their usable bytes
 * @param curRequestedBytes   the bytes they asked for; {@code curBytes - curRequestedBytes} is the
 *                            rounding waste live now
 * @param inRegionExtents     live allocations packed in regions
 * @param cacheHits           hugepage runs served from the cache
 * @param cacheMisses         hugepage runs fresh from the allocator
 * @param cachedHugepages     hugepages in the cache now (backed, unused)
 * @param cacheReleasedHugepages hugepages the cache purged and gave back, ever
 * @param regions             regions held
 * @param regionUsedPages     pages used in regions
 * @param regionBackedHugepages region hugepages backed now
 * @param regionSubreleasedHugepages backed region hugepages whose free pages were purged while they
 *                            held live ones, advised away from hugepages now
 * @param regionSubreleasedPages dirty pages purged out of live region hugepages, ever
 * @param mappedBytes         address space mapped from the OS, ever
 * @param maps                map calls
 * @param unmaps              unmap calls
 * @param purges              purge calls
 * @param purgedBytes         bytes purged
 * @param hugifies            hugify calls
 */
public record LargeStats(
        long nmalloc,
        long ndalloc,
        long curExtents,
        long curBytes,
        long curRequestedBytes,
        long inRegionExtents,
        long cacheHits,
        long cacheMisses,
        long cachedHugepages,
        long cacheReleasedHugepages,
        long regions,
        long regionUsedPages,
        long regionBackedHugepages,
        long regionSubreleasedHugepages,
        long regionSubreleasedPages,
        long mappedBytes,
        long maps,
        long unmaps,
        long purges,
        long purgedBytes,
        long hugifies) {

    /** No allocator: every counter zero, the start of a sum over shards. */
    public static final LargeStats NONE = new LargeStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * The counters of two allocators added up, as one allocator's over all shards.
     *
     * @param o the other allocator's counters
     * @return the sums
     */
    public LargeStats plus(LargeStats o) {
        return new LargeStats(
                nmalloc + o.nmalloc,
                ndalloc + o.ndalloc,
                curExtents + o.curExtents,
                curBytes + o.curBytes,
                curRequestedBytes + o.curRequestedBytes,
                inRegionExtents + o.inRegionExtents,
                cacheHits + o.cacheHits,
                cacheMisses + o.cacheMisses,
                cachedHugepages + o.cachedHugepages,
                cacheReleasedHugepages + o.cacheReleasedHugepages,
                regions + o.regions,
                regionUsedPages + o.regionUsedPages,
                regionBackedHugepages + o.regionBackedHugepages,
                regionSubreleasedHugepages + o.regionSubreleasedHugepages,
                regionSubreleasedPages + o.regionSubreleasedPages,
                mappedBytes + o.mappedBytes,
                maps + o.maps,
                unmaps + o.unmaps,
                purges + o.purges,
                purgedBytes + o.purgedBytes,
                hugifies + o.hugifies);
    }

    /** {@return bytes lost to rounding by the live allocations} */
    public long roundingWasteBytes() {
        return curBytes - curRequestedBytes;
    }
}
