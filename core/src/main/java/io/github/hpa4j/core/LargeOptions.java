package io.github.hpa4j.core;

/**
 * The large allocator's settings.
 *
 * @param maxAllocBytes       the largest allocation served, bytes; larger requests are refused with
 *                            {@link InvalidSizeException}.
 * @param mapHugepages        the least address space mapped from the OS at a time, in hugepages.
 * @param cacheLimitHugepages the most freed hugepages {@link HugeCache} keeps backed; beyond it they
 *                            are purged at once. 0 disables the cache.
 * @param releaseIntervalMs   how often cached hugepages and empty region hugepages that stayed unused
 *                            are purged; memory is given back between one and two intervals after
 *                            it was last used.
 * @param regionHugepages     the size of one {@link HugeRegion}, in hugepages.
 */
public record LargeOptions(
        long maxAllocBytes, long mapHugepages, long cacheLimitHugepages, long releaseIntervalMs, int regionHugepages) {
    /**
     * 1 GiB at most per allocation; 64 MiB mappings; TCMalloc's minimum cache limit of 10 hugepages
     * and its default cache time of one second; 128 MiB regions (TCMalloc's are 1 GiB: hpa4j keeps
     * the region's page bitmaps at 4 KiB so a best-fit scan stays short, and a region still holds
     * eight of the largest sizes it serves).
     */
    public static final LargeOptions DEFAULTS = new LargeOptions(1L << 30, 32, 10, 1_000, 64);

    /** Refuses a setting outside its range, naming it. */
    public LargeOptions {
        if (maxAllocBytes <= 0 || maxAllocBytes > (1L << 40)) {
            throw new IllegalArgumentException("max_alloc must be in (0, 1 TiB], got " + maxAllocBytes);
        }
        if (mapHugepages < 1 || cacheLimitHugepages < 0 || releaseIntervalMs < 0) {
            throw new IllegalArgumentException("map_hugepages must be positive, cache_limit and release_interval_ms"
                    + " not negative, got " + mapHugepages + ", " + cacheLimitHugepages + ", " + releaseIntervalMs);
        }
        if (regionHugepages < 1 || regionHugepages > 4096) {
            throw new IllegalArgumentException("region_hugepages must be in [1, 4096], got " + regionHugepages);
        }
    }

    /** {@return the largest size a region serves: above it, no hugepage rounding wastes more than an eighth} */
    public long regionMaxAlloc() {
        return Math.min(8 * Pages.HUGEPAGE, (long) regionHugepages * Pages.HUGEPAGE / 2);
    }

    /**
     * {@return these options with {@code maxAllocBytes} set to {@code value}}
     *
     * @param value the new {@code maxAllocBytes}
     */
    public LargeOptions withMaxAllocBytes(long value) {
        return new LargeOptions(value, mapHugepages, cacheLimitHugepages, releaseIntervalMs, regionHugepages);
    }

    /**
     * {@return these options with {@code cacheLimitHugepages} set to {@code value}}
     *
     * @param value the new {@code cacheLimitHugepages}
     */
    public LargeOptions withCacheLimitHugepages(long value) {
        return new LargeOptions(maxAllocBytes, mapHugepages, value, releaseIntervalMs, regionHugepages);
    }

    /**
     * {@return these options with {@code releaseIntervalMs} set to {@code value}}
     *
     * @param value the new {@code releaseIntervalMs}
     */
    public LargeOptions withReleaseIntervalMs(long value) {
        return new LargeOptions(maxAllocBytes, mapHugepages, cacheLimitHugepages, value, regionHugepages);
    }

    /**
     * {@return these options with {@code regionHugepages} set to {@code value}}
     *
     * @param value the new {@code regionHugepages}
     */
    public LargeOptions withRegionHugepages(int value) {
        return new LargeOptions(maxAllocBytes, mapHugepages, cacheLimitHugepages, releaseIntervalMs, value);
    }

    /**
     * {@return these options with {@code mapHugepages} set to {@code value}}
     *
     * @param value the new {@code mapHugepages}
     */
    public LargeOptions withMapHugepages(long value) {
        return new LargeOptions(maxAllocBytes, value, cacheLimitHugepages, releaseIntervalMs, regionHugepages);
    }
}
