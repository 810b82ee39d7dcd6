package io.github.hpa4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sizes above the HPA's slab_max_alloc, after TCMalloc's Temeraire: whole hugepages from a
 * {@link HugeCache} over a {@link HugeAllocator}, and {@link HugeRegion}s for sizes whose rounding
 * to whole hugepages would waste more than an eighth (everything below a hugepage, and sizes just
 * over a multiple of one, up to {@link LargeOptions#regionMaxAlloc()}).
 *
 * <p>Divergence: Temeraire gives the tail of a whole-hugepage allocation to its HugePageFiller for
 * small allocations; hpa4j's shards own their own slabs, so a tail that would waste much goes to a
 * region instead, and one that would not is kept as rounding waste (counted in the stats).
 *
 * <p>Alignment up to a hugepage is honoured by both: whole hugepages are always hugepage-aligned, and
 * a region places an aligned request on an aligned page, leaving the pages before it to others.
 * Every allocation says which of its pages may hold old data
 * ({@link LargeExtent#toClear()}), so a zeroed request clears only those.
 *
 * <p>Single-threaded; {@link #releaseIdle()} is the clock-driven pass a timer calls every
 * {@link #nanosUntilRelease()}.
 */
public final class LargeAllocator {
    private final int index;
    private final LargeOptions options;
    private final CountingHooks hooks;
    private final Clock clock;
    private final PageBudget budget;
    private final HugeAllocator allocator;
    private final HugeCache cache;
    private static final java.util.Comparator<HugeRegion> BY_FREE_PAGES =
            java.util.Comparator.comparingInt(HugeRegion::freePages).thenComparingLong(r -> r.address);
    private final List<HugeRegion> regions = new ArrayList<>();
    private final TreeMap<Long, LargeExtent> live = new TreeMap<>();
    private long nmalloc;
    private long ndalloc;
    private long curBytes;
    private long curRequestedBytes;
    private long inRegion;
    private long lastRegionPassNanos;
    private long subreleasedPagesOfReturnedRegions;

    /**
     * A large allocator named {@code index} in refusals, mapping through {@code hooks} and holding
     * every hugepage it backs against {@code budget}.
     *
     * @param index   names the allocator in refusals
     * @param options its settings
     * @param hooks   maps, purges and unmaps its hugepages
     * @param clock   times the release passes
     * @param budget  holds every hugepage it backs
     */
    public LargeAllocator(int index, LargeOptions options, PageHooks hooks, Clock clock, PageBudget budget) {
        this.index = index;
        this.options = options;
        this.hooks = new CountingHooks(hooks);
        this.clock = clock;
        this.budget = budget;
        this.allocator = new HugeAllocator(this.hooks, options.mapHugepages());
        this.cache = new HugeCache(
                allocator, this.hooks, clock, budget, options.cacheLimitHugepages(), options.releaseIntervalMs());
        this.lastRegionPassNanos = clock.nanoTime();
    }

    /** {@return the settings it was built with} */
    public LargeOptions options() {
        return options;
    }

    /**
     * Whether {@code bytes} would be packed in a region, whatever the alignment: rounding it to whole
     * hugepages would waste more than an eighth of it.
     *
     * @param bytes the request's size
     * @return whether a region serves it
     */
    public boolean usesRegion(long bytes) {
        long slack = hugepageCeiling(bytes) - bytes;
        return bytes <= options.regionMaxAlloc() && slack > bytes / 8;
    }

    /**
     * {@return the usable size of a request; throws as {@link #alloc} does for bad input}
     *
     * @param bytes     the request's size
     * @param alignment the request's alignment
     */
    public long usableSize(long bytes, long alignment) {
        checkRequest(bytes, alignment);
        return usesRegion(bytes) ? Pages.pageCeiling(bytes) : hugepageCeiling(bytes);
    }

    /**
     * An allocation of {@code bytes} aligned to {@code alignment}. Throws
     * {@link InvalidSizeException}, {@link InvalidAlignmentException},
     * {@link MemoryBudgetExceededException} or {@link EdenExhaustedException}; nothing changes then.
     *
     * @param bytes     the size asked for
     * @param alignment a power of two
     * @return the allocation
     */
    public LargeExtent alloc(long bytes, long alignment) {
        checkRequest(bytes, alignment);
        LargeExtent extent = usesRegion(bytes) ? allocInRegion(bytes, alignment) : allocHugepages(bytes);
        live.put(extent.address(), extent);
        nmalloc++;
        curBytes += extent.size();
        curRequestedBytes += bytes;
        inRegion += extent.inRegion() ? 1 : 0;
        return extent;
    }

    private void checkRequest(long bytes, long alignment) {
        InvalidAlignmentException.check(alignment);
        if (bytes <= 0 || bytes > options.maxAllocBytes()) {
            throw new InvalidSizeException(bytes, options.maxAllocBytes());
        }
    }

    private LargeExtent allocHugepages(long bytes) {
        long hugepages = hugepageCeiling(bytes) >>> Pages.LG_HUGEPAGE;
        long address = cache.get(hugepages);
        int pages = (int) (hugepages * Pages.HUGEPAGE_PAGES);
        return new LargeExtent(
                address,
                hugepages * Pages.HUGEPAGE,
                bytes,
                false,
                cache.lastFromReleased() ? PagesToClear.NONE : PagesToClear.all(pages));
    }

    /*
     * TCMalloc's HugeRegionSet fills the region with the least free space that fits, to keep the
     * others emptier and so releasable; so does this.
     */
    private LargeExtent allocInRegion(long bytes, long alignment) {
        int npages = (int) (Pages.pageCeiling(bytes) >>> Pages.LG_PAGE);
        int alignPages = (int) Math.max(1, alignment >>> Pages.LG_PAGE);
        for (int attempt = 0; attempt < 2; attempt++) {
            PagesToClear.Builder toClear = new PagesToClear.Builder();
            boolean refused = false;
            // Fullest first. A region that would have to back a hugepage the budget refuses may be
            // followed by one with room in hugepages already backed.
            regions.sort(BY_FREE_PAGES);
            for (HugeRegion region : regions) {
                long address = region.alloc(npages, alignPages, budget, toClear);
                if (address >= 0) {
                    return new LargeExtent(address, (long) npages << Pages.LG_PAGE, bytes, true, toClear.build());
                }
                refused |= address == HugeRegion.BUDGET_REFUSED;
            }
            if (!refused) {
                long address = newRegion().alloc(npages, alignPages, budget, toClear);
                if (address >= 0) {
                    return new LargeExtent(address, (long) npages << Pages.LG_PAGE, bytes, true, toClear.build());
                }
                assert address == HugeRegion.BUDGET_REFUSED;
            }
            if (attempt == 0) {
                // What the cache holds idle is the first memory to give up under the budget.
                cache.releaseAll();
            }
        }
        throw new MemoryBudgetExceededException(
                budget.limitPages() << Pages.LG_PAGE, budget.heldPages() << Pages.LG_PAGE, bytes);
    }

    private HugeRegion newRegion() {
        HugeRegion region = new HugeRegion(allocator.get(options.regionHugepages()), options.regionHugepages());
        regions.add(region);
        return region;
    }

    /**
     * Frees the allocation at {@code address}, whatever its size.
     *
     * @param address the allocation's address
     */
    public void free(long address) {
        release(validateFree(address, -1));
    }

    /**
     * A sized free: also refused unless {@code bytes} is the size asked for or rounds to the same
     * usable size.
     *
     * @param address the allocation's address
     * @param bytes   the size it was asked for with
     */
    public void free(long address, long bytes) {
        release(validateFree(address, bytes));
    }

    /**
     * The live allocation at {@code address}, else {@link InvalidFreeException}; with
     * {@code bytes >= 0} also checks the size, -1 checks none.
     *
     * @param address the allocation's address
     * @param bytes   the size it was asked for with, or -1
     * @return the live allocation
     */
    public LargeExtent validateFree(long address, long bytes) {
        long named = Math.max(bytes, 0); // an unsized free names no size in the refusal
        Map.Entry<Long, LargeExtent> e = live.floorEntry(address);
        if (e == null || address >= e.getValue().end()) {
            boolean ours = cache.contains(address) || regionOf(address) != null;
            throw new InvalidFreeException(
                    ours ? FreeRefusal.NOT_ALLOCATED : FreeRefusal.UNKNOWN_ADDRESS, address, named, index);
        }
        LargeExtent extent = e.getValue();
        if (extent.address() != address) {
            throw new InvalidFreeException(FreeRefusal.INTERIOR_ADDRESS, address, named, index);
        }
        if (bytes >= 0 && bytes != extent.requested() && !roundsTo(bytes, extent)) {
            throw new InvalidFreeException(FreeRefusal.WRONG_SIZE, address, named, index);
        }
        return extent;
    }

    private static boolean roundsTo(long bytes, LargeExtent extent) {
        if (bytes <= 0 || bytes > extent.size()) {
            return false;
        }
        return extent.inRegion() ? Pages.pageCeiling(bytes) == extent.size() : hugepageCeiling(bytes) == extent.size();
    }

    private void release(LargeExtent extent) {
        live.remove(extent.address());
        ndalloc++;
        curBytes -= extent.size();
        curRequestedBytes -= extent.requested();
        if (extent.inRegion()) {
            inRegion--;
            regionOf(extent.address()).free(extent.address(), extent.pages(), clock.nanoTime());
        } else {
            cache.release(extent.address(), extent.hugepages());
        }
    }

    private HugeRegion regionOf(long address) {
        for (HugeRegion region : regions) {
            if (region.contains(address)) {
                return region;
            }
        }
        return null;
    }

    /**
     * The clock-driven pass: the cache gives back what stayed unused for its release interval, and
     * regions purge the hugepages that stayed empty as long and subrelease those that stayed sparse
     * (see {@link HugeRegion}); a region left with nothing used and nothing backed goes back to the
     * allocator.
     *
     * @return the hugepages given back whole
     */
    public long releaseIdle() {
        long released = cache.releaseIdle();
        if (clock.millisSince(lastRegionPassNanos) >= options.releaseIntervalMs()) {
            long now = clock.nanoTime();
            for (int i = regions.size() - 1; i >= 0; i--) {
                HugeRegion region = regions.get(i);
                released += region.releaseIdle(hooks, budget, now, options.releaseIntervalMs() * 1_000_000L);
                if (region.idle()) {
                    subreleasedPagesOfReturnedRegions += region.subreleasedPages();
                    regions.remove(i);
                    allocator.release(region.address, region.hugepages);
                }
            }
            lastRegionPassNanos = now;
        }
        return released;
    }

    /** {@return nanoseconds until {@link #releaseIdle()} has work, or {@link Long#MAX_VALUE}} */
    public long nanosUntilRelease() {
        long until = cache.nanosUntilRelease();
        if (!regions.isEmpty()) {
            long dueIn = options.releaseIntervalMs() * 1_000_000L - (clock.nanoTime() - lastRegionPassNanos);
            until = Math.min(until, Math.max(0, dueIn));
        }
        return until;
    }

    /**
     * Gives back every cached hugepage now (memory pressure); returns how many.
     *
     * @return the hugepages given back
     */
    public long releaseCache() {
        return cache.releaseAll();
    }

    /** {@return the counters now; the region and cache figures are recounted on each call} */
    public LargeStats stats() {
        long usedPages = 0;
        long backed = 0;
        long subreleased = 0;
        long subreleasedPages = subreleasedPagesOfReturnedRegions;
        for (HugeRegion region : regions) {
            usedPages += region.usedPages();
            backed += region.backedHugepages();
            subreleased += region.subreleasedHugepages();
            subreleasedPages += region.subreleasedPages();
        }
        return new LargeStats(
                nmalloc,
                ndalloc,
                live.size(),
                curBytes,
                curRequestedBytes,
                inRegion,
                cache.hits(),
                cache.misses(),
                cache.cachedHugepages(),
                cache.releasedHugepages(),
                regions.size(),
                usedPages,
                backed,
                subreleased,
                subreleasedPages,
                hooks.mappedBytes,
                hooks.maps,
                hooks.unmaps,
                hooks.purges,
                hooks.purgedBytes,
                hooks.hugifies);
    }

    /** {@return live allocations} */
    public long liveExtents() {
        return live.size();
    }

    /**
     * Unmaps everything (shutdown), live or not, and gives the budget back; returns the number of
     * live allocations dropped.
     *
     * @return the live allocations dropped
     */
    public long destroy() {
        long dropped = live.size();
        long backedPages = 0;
        for (LargeExtent extent : live.values()) {
            if (!extent.inRegion()) {
                backedPages += extent.hugepages() * Pages.HUGEPAGE_PAGES;
            }
        }
        for (HugeRegion region : regions) {
            backedPages += (long) region.backedHugepages() * Pages.HUGEPAGE_PAGES;
        }
        backedPages += cache.cachedHugepages() * Pages.HUGEPAGE_PAGES;
        budget.give(backedPages);
        live.clear();
        regions.clear();
        allocator.destroy();
        return dropped;
    }

    /**
     * Recounts the stats from the live allocations and regions; the first mismatch, or null. Also
     * checks that no two live allocations overlap and none lies in the cache.
     *
     * @return the first mismatch, or null
     */
    public String inconsistency() {
        long bytes = 0;
        long requested = 0;
        long regionPages = 0;
        long prevEnd = Long.MIN_VALUE;
        for (LargeExtent extent : live.values()) {
            if (extent.address() < prevEnd) {
                return extent + " overlaps the allocation before it";
            }
            prevEnd = extent.end();
            if (cache.contains(extent.address())) {
                return extent + " is live and cached";
            }
            bytes += extent.size();
            requested += extent.requested();
            regionPages += extent.inRegion() ? extent.pages() : 0;
        }
        long used = 0;
        for (HugeRegion region : regions) {
            String bad = region.inconsistency();
            if (bad != null) {
                return bad;
            }
            used += region.usedPages();
        }
        if (bytes != curBytes || requested != curRequestedBytes || used != regionPages) {
            return "curBytes " + curBytes + " requested " + curRequestedBytes + " region pages " + used
                    + " but live allocations add up to " + bytes + ", " + requested + ", " + regionPages;
        }
        long heldByLarge = allocator.inUseHugepages();
        long expected = cache.cachedHugepages()
                + (long) regions.stream().mapToInt(r -> r.hugepages).sum();
        for (LargeExtent extent : live.values()) {
            expected += extent.inRegion() ? 0 : extent.hugepages();
        }
        return heldByLarge == expected
                ? null
                : "allocator has " + heldByLarge + " hugepages in use, cache + regions + live hold " + expected;
    }

    static long hugepageCeiling(long bytes) {
        return (bytes + Pages.HUGEPAGE_MASK) & ~Pages.HUGEPAGE_MASK;
    }
}
