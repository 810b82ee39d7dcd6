package io.github.hpa4j.core;

/**
 * Recently freed hugepage runs, kept backed so that the next large allocation skips the page
 * faults: TCMalloc's {@code HugeCache} in front of {@link HugeAllocator}. What it holds is given
 * back to the OS (purged, then released to the allocator as zero) in two cases: above a bound, at
 * once, shortest runs first (HugeCache::ShrinkCache); and on a release pass, the part of the cache
 * that stayed unused since the previous pass (the minimum size over that interval, TCMalloc's
 * {@code size_tracker_} minimum in MaybeShrinkCacheLimit). A run freed and not used again is so
 * given back between one and two release intervals after its free.
 *
 * <p>Divergence: TCMalloc grows its limit to the largest recent "dip" in usage and shrinks it when
 * the cache idles; hpa4j keeps a fixed limit from its settings, so that the memory it may hold
 * unused is a number the operator chose, and lets the interval minimum return idle memory.
 *
 * <p>Every hugepage the cache hands out or holds counts against the {@link PageBudget}, as backed.
 */
public final class HugeCache {
    private final HugeAllocator allocator;
    private final PageHooks hooks;
    private final Clock clock;
    private final PageBudget budget;
    private final long limitHugepages;
    private final long releaseIntervalMs;
    private final HugeRangeMap cache = new HugeRangeMap();
    private final long[] run = new long[2];
    private long minSinceLastPass;
    private long lastPassNanos;
    private boolean lastFromReleased;

    private long hits;
    private long misses;
    private long overflows;
    private long releasedHugepages;
    private long failedReleases;

    /**
     * A cache of at most {@code limitHugepages}, whose idle part goes back every
     * {@code releaseIntervalMs}.
     *
     * @param allocator         where fresh hugepages come from and released ones go
     * @param hooks             purges what the cache gives back
     * @param clock             times the release passes
     * @param budget            holds every hugepage the cache keeps backed
     * @param limitHugepages    the most hugepages kept, 0 for none
     * @param releaseIntervalMs the time between two release passes
     */
    public HugeCache(
            HugeAllocator allocator,
            PageHooks hooks,
            Clock clock,
            PageBudget budget,
            long limitHugepages,
            long releaseIntervalMs) {
        if (limitHugepages < 0 || releaseIntervalMs < 0) {
            throw new IllegalArgumentException("cache limit and release interval must not be negative, got "
                    + limitHugepages + " and " + releaseIntervalMs);
        }
        this.allocator = allocator;
        this.hooks = hooks;
        this.clock = clock;
        this.budget = budget;
        this.limitHugepages = limitHugepages;
        this.releaseIntervalMs = releaseIntervalMs;
        this.lastPassNanos = clock.nanoTime();
    }

    /**
     * HugeCache::Get: {@code hugepages} hugepages, from the cache if a run fits (dirty), else fresh
     * from the allocator (zero; {@link #lastFromReleased()} tells which). Throws
     * {@link MemoryBudgetExceededException} if fresh hugepages would take the budget past its limit
     * even after the cache gave back all it holds.
     *
     * @param hugepages the run's length
     * @return the run's address
     */
    public long get(long hugepages) {
        long address = cache.take(hugepages);
        if (address >= 0) {
            hits++;
            lastFromReleased = false;
            minSinceLastPass = Math.min(minSinceLastPass, cache.hugepages());
            return address;
        }
        misses++;
        long pages = hugepages * Pages.HUGEPAGE_PAGES;
        if (!budget.tryTake(pages)) {
            shrinkTo(0);
            if (!budget.tryTake(pages)) {
                throw new MemoryBudgetExceededException(
                        budget.limitPages() << Pages.LG_PAGE,
                        budget.heldPages() << Pages.LG_PAGE,
                        hugepages * Pages.HUGEPAGE);
            }
        }
        try {
            address = allocator.get(hugepages);
        } catch (AllocatorException e) {
            budget.give(pages);
            throw e;
        }
        lastFromReleased = true;
        return address;
    }

    /** {@return whether the last {@link #get} came from the allocator, so reads as zero} */
    public boolean lastFromReleased() {
        return lastFromReleased;
    }

    /**
     * HugeCache::Release: a run handed out by {@link #get} comes back, dirty.
     *
     * @param address   the run's address
     * @param hugepages the run's length
     */
    public void release(long address, long hugepages) {
        cache.insert(address, hugepages);
        if (cache.hugepages() > limitHugepages) {
            overflows++;
            shrinkTo(limitHugepages);
        }
    }

    /**
     * A release pass, due every release interval: gives back what stayed in the cache unused since
     * the last pass. Returns the hugepages given back (0 if the pass is not due yet).
     *
     * @return the hugepages given back
     */
    public long releaseIdle() {
        if (clock.millisSince(lastPassNanos) < releaseIntervalMs) {
            return 0;
        }
        long before = releasedHugepages;
        shrinkTo(cache.hugepages() - minSinceLastPass);
        lastPassNanos = clock.nanoTime();
        minSinceLastPass = cache.hugepages();
        return releasedHugepages - before;
    }

    /** {@return nanoseconds until the next release pass is due, or {@link Long#MAX_VALUE} if nothing is cached} */
    public long nanosUntilRelease() {
        if (cache.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long dueIn = releaseIntervalMs * 1_000_000L - (clock.nanoTime() - lastPassNanos);
        return Math.max(0, dueIn);
    }

    /**
     * Gives back everything cached (memory pressure, shutdown); returns the hugepages given back.
     *
     * @return the hugepages given back
     */
    public long releaseAll() {
        long before = releasedHugepages;
        shrinkTo(0);
        return releasedHugepages - before;
    }

    /**
     * HugeCache::ShrinkCache: purges runs, shortest first, until at most {@code target} hugepages
     * remain. A run the OS refuses to purge stays cached, and the shrink stops, as TCMalloc does.
     */
    private void shrinkTo(long target) {
        while (cache.hugepages() > target && cache.takeShortest(cache.hugepages() - target, run)) {
            long address = run[0];
            long hugepages = run[1];
            try {
                hooks.purge(address, hugepages * Pages.HUGEPAGE);
            } catch (PageOperationException e) {
                cache.insert(address, hugepages);
                failedReleases++;
                break;
            }
            budget.give(hugepages * Pages.HUGEPAGE_PAGES);
            allocator.release(address, hugepages);
            releasedHugepages += hugepages;
        }
        minSinceLastPass = Math.min(minSinceLastPass, cache.hugepages());
    }

    /**
     * Hugepages cached now.
     *
     * @return hugepages cached now
     */
    public long cachedHugepages() {
        return cache.hugepages();
    }

    /** {@return the most hugepages the cache keeps} */
    public long limitHugepages() {
        return limitHugepages;
    }

    /**
     * Gets served from the cache.
     *
     * @return gets served from the cache
     */
    public long hits() {
        return hits;
    }

    /**
     * Gets served fresh from the allocator.
     *
     * @return gets served fresh from the allocator
     */
    public long misses() {
        return misses;
    }

    /**
     * Releases that took the cache above its limit.
     *
     * @return releases that took the cache above its limit
     */
    public long overflows() {
        return overflows;
    }

    /**
     * Hugepages purged and given back, ever.
     *
     * @return hugepages purged and given back, ever
     */
    public long releasedHugepages() {
        return releasedHugepages;
    }

    /**
     * Purges the OS refused.
     *
     * @return purges the OS refused
     */
    public long failedReleases() {
        return failedReleases;
    }

    /** Whether {@code address} lies in a cached run. */
    boolean contains(long address) {
        return cache.contains(address);
    }
}
