package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LargeAllocatorTest {
    private static final long MIB = 1L << 20;
    private final RecordingHooks hooks = new RecordingHooks();
    private final ManualClock clock = new ManualClock();

    private LargeAllocator large(PageBudget budget) {
        return new LargeAllocator(0, LargeOptions.DEFAULTS, hooks, clock, budget);
    }

    /** Powers of two from 1 B to 1 GiB and their neighbours. */
    static List<Long> sweepSizes(long max) {
        List<Long> sizes = new ArrayList<>();
        for (long p = 1; p <= max; p <<= 1) {
            for (long s : new long[] {p - 1, p, p + 1}) {
                if (s > 0 && s <= max && (sizes.isEmpty() || sizes.get(sizes.size() - 1) < s)) {
                    sizes.add(s);
                }
            }
        }
        return sizes;
    }

    @Test
    void shouldServeEverySizeFromOneByteToOneGibibyteWithoutOverlap() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        TreeMap<Long, LargeExtent> live = new TreeMap<>();
        for (long size : sweepSizes(1L << 30)) {
            LargeExtent e = large.alloc(size, 1);
            assertTrue(e.size() >= size && e.size() == large.usableSize(size, 1), "size " + size + " got " + e);
            assertTrue(Pages.isPageAligned(e.address()));
            assertEquals(large.usesRegion(size), e.inRegion(), "size " + size);
            if (!e.inRegion()) {
                assertTrue(Pages.isHugepageAligned(e.address()), "whole hugepages start on one: " + e);
                assertTrue(
                        e.size() - size <= size / 8 || size > large.options().regionMaxAlloc(),
                        "size " + size + " wastes " + (e.size() - size) + " in whole hugepages");
            } else {
                assertEquals(Pages.pageCeiling(size), e.size());
            }
            var before = live.floorEntry(e.address());
            var after = live.ceilingEntry(e.address());
            assertTrue(before == null || before.getValue().end() <= e.address(), e + " overlaps " + before);
            assertTrue(after == null || e.end() <= after.getKey(), e + " overlaps " + after);
            live.put(e.address(), e);
        }
        assertNull(large.inconsistency());
        LargeStats stats = large.stats();
        assertEquals(live.size(), stats.curExtents());
        assertEquals(live.values().stream().mapToLong(LargeExtent::size).sum(), stats.curBytes());
        for (LargeExtent e : live.values()) {
            large.free(e.address(), e.requested());
        }
        assertEquals(0, large.stats().curExtents());
        assertEquals(live.size(), large.stats().ndalloc());
        assertNull(large.inconsistency());
    }

    @Test
    void shouldPackSizesJustOverAHugepageInARegion() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        long size = 2 * MIB + 4096;
        LargeExtent a = large.alloc(size, 1);
        LargeExtent b = large.alloc(size, 1);
        assertTrue(a.inRegion() && b.inRegion());
        assertEquals(size, a.size());
        assertEquals(a.end(), b.address(), "packed back to back");
        LargeStats stats = large.stats();
        assertEquals(1, stats.regions());
        assertEquals(2 * (size >>> Pages.LG_PAGE), stats.regionUsedPages());
        assertEquals(3, stats.regionBackedHugepages(), "two allocations of a hugepage and a page span three");
        assertEquals(0, stats.roundingWasteBytes());
        LargeExtent whole = large.alloc(4 * MIB, 1);
        assertFalse(whole.inRegion(), "a hugepage multiple wastes nothing in whole hugepages");
    }

    @Test
    void shouldHonourEveryAlignmentUpToAHugepage() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        for (long alignment = 1; alignment <= Pages.HUGEPAGE; alignment <<= 1) {
            for (long size : new long[] {100 * 1024, 3 * MIB, 2 * MIB + 1}) {
                LargeExtent e = large.alloc(size, alignment);
                assertEquals(0, e.address() % alignment, "size " + size + " alignment " + alignment + ": " + e);
                assertEquals(large.usesRegion(size), e.inRegion());
            }
        }
        assertNull(large.inconsistency());
    }

    @Test
    void shouldPlaceAlignedRequestsInARegionAndLeaveTheSkippedPagesToOthers() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        LargeExtent first = large.alloc(12 * 1024, 1);
        LargeExtent aligned = large.alloc(8 * 1024, 64 * 1024);
        assertTrue(aligned.inRegion());
        assertEquals(0, aligned.address() % (64 * 1024));
        assertEquals(first.address() + 64 * 1024, aligned.address(), "the next 64 KiB boundary");
        LargeExtent filler = large.alloc(40 * 1024, 1);
        assertEquals(first.end(), filler.address(), "best fit takes the pages the alignment skipped");
        assertEquals(1, large.stats().regions());
        assertNull(large.inconsistency());
    }

    @Test
    void shouldRefuseBadRequestsAndFreesWithoutChangingAnything() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        LargeExtent region = large.alloc(300 * 1024, 1);
        LargeExtent whole = large.alloc(8 * MIB, 1);
        LargeExtent gone = large.alloc(8 * MIB, 1);
        LargeExtent goneInRegion = large.alloc(300 * 1024, 1);
        large.free(gone.address());
        large.free(goneInRegion.address(), goneInRegion.requested());
        LargeStats before = large.stats();
        for (long alignment : new long[] {0, 3, -4096, 2 * Pages.HUGEPAGE}) {
            InvalidAlignmentException e =
                    assertThrows(InvalidAlignmentException.class, () -> large.alloc(4096, alignment));
            assertEquals(alignment, e.alignment());
        }
        assertThrows(InvalidSizeException.class, () -> large.alloc(0, 1));
        InvalidSizeException tooLarge = assertThrows(InvalidSizeException.class, () -> large.alloc((1L << 30) + 1, 1));
        assertEquals(1L << 30, tooLarge.max());
        assertRefused(FreeRefusal.INTERIOR_ADDRESS, () -> large.free(whole.address() + Pages.PAGE));
        assertRefused(FreeRefusal.WRONG_SIZE, () -> large.free(whole.address(), 10 * MIB));
        assertRefused(FreeRefusal.WRONG_SIZE, () -> large.free(region.address(), 200 * 1024));
        assertRefused(FreeRefusal.NOT_ALLOCATED, () -> large.free(gone.address()));
        assertRefused(FreeRefusal.NOT_ALLOCATED, () -> large.free(goneInRegion.address()));
        assertRefused(FreeRefusal.UNKNOWN_ADDRESS, () -> large.free(1L << 20));
        assertEquals(before, large.stats());
        large.free(whole.address(), 7 * MIB + 1); // rounds to the same hugepages
        large.free(region.address(), region.size());
        assertEquals(0, large.liveExtents());
    }

    @Test
    void shouldKnowWhichHugepagesAreZeroAcrossReuseAndRelease() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        LargeExtent fresh = large.alloc(4 * MIB, 1);
        assertTrue(fresh.toClear().none(), "never touched");
        large.free(fresh.address());
        LargeExtent reused = large.alloc(4 * MIB, 1);
        assertEquals(fresh.address(), reused.address());
        assertEquals(reused.pages(), reused.toClear().pages(), "from the cache: every page holds old data");
        large.free(reused.address());
        clock.advanceMillis(1_000);
        large.releaseIdle(); // the first pass only starts the interval
        clock.advanceMillis(1_000);
        assertEquals(2, large.releaseIdle());
        assertEquals(2, large.stats().cacheReleasedHugepages());
        LargeExtent purged = large.alloc(4 * MIB, 1);
        assertTrue(purged.toClear().none(), "purged since: zero again, " + purged.toClear());
    }

    @Test
    void shouldKnowWhichRegionPagesAreZeroAcrossReuseAndRelease() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        LargeExtent keep = large.alloc(3 * MIB, 1); // keeps the region's first hugepages backed
        LargeExtent a = large.alloc(100 * 1024, 1);
        assertTrue(a.inRegion() && a.toClear().none());
        large.free(a.address());
        LargeExtent b = large.alloc(40 * 1024, 1);
        assertEquals(a.address(), b.address(), "best fit reuses the hole");
        assertEquals(10, b.toClear().pages());
        LargeExtent c = large.alloc(100 * 1024, 1);
        assertEquals(b.end(), c.address());
        assertEquals(1, c.toClear().runCount());
        assertEquals(15, c.toClear().runPages(0), "the rest of a's old pages, then fresh ones");
        large.free(keep.address());
        large.free(b.address());
        large.free(c.address());
        clock.advanceMillis(1_000);
        long released = large.releaseIdle();
        assertEquals(2, released, "both hugepages the region backed were empty for an interval");
        assertEquals(0, large.stats().regions(), "an idle region goes back to the allocator");
        LargeExtent again = large.alloc(100 * 1024, 1);
        assertTrue(again.toClear().none());
    }

    @Test
    void shouldRefuseARegionAllocationPastTheBudgetAfterEmptyingTheCache() {
        CountingBudget budget = new CountingBudget(4 * Pages.HUGEPAGE_PAGES);
        LargeAllocator large = large(budget);
        LargeExtent whole = large.alloc(6 * MIB, 1);
        large.free(whole.address());
        assertEquals(3L * Pages.HUGEPAGE_PAGES, budget.heldPages(), "cached hugepages stay held");
        LargeExtent a = large.alloc(3 * MIB + 4096, 1); // two hugepages of a region: the cache gives back its three
        assertTrue(a.inRegion());
        assertEquals(0, large.stats().cachedHugepages());
        LargeStats before = large.stats();
        MemoryBudgetExceededException e =
                assertThrows(MemoryBudgetExceededException.class, () -> large.alloc(5 * MIB + 4096, 1));
        assertEquals(
                "memory budget of " + 8 * MIB + " bytes reached: " + 4 * MIB + " bytes held (active or dirty), "
                        + (5 * MIB + 4096) + " more requested",
                e.getMessage());
        assertEquals(before.curExtents(), large.stats().curExtents());
        assertEquals(before.regions(), large.stats().regions(), "no region is opened that the budget cannot back");
        assertEquals(2L * Pages.HUGEPAGE_PAGES, budget.heldPages());
        assertNull(large.inconsistency());
        assertEquals(1, large.stats().inRegionExtents());
        large.free(a.address());
        assertEquals(0, large.stats().inRegionExtents());
    }

    @Test
    void shouldCountEveryMappingAndUnmapItAllAtDestroy() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        large.alloc(1L << 30, Pages.HUGEPAGE);
        large.alloc(100 * 1024, 1);
        large.alloc(5 * MIB, 1);
        LargeStats stats = large.stats();
        assertEquals(hooks.bytes("map"), stats.mappedBytes());
        assertEquals(hooks.count("map"), stats.maps());
        assertEquals(stats.maps(), stats.hugifies(), "every mapping asks for hugepages");
        assertEquals(3, large.destroy());
        assertEquals(stats.mappedBytes(), hooks.bytes("unmap"));
    }

    private static void assertRefused(FreeRefusal reason, Runnable free) {
        InvalidFreeException e = assertThrows(InvalidFreeException.class, free::run);
        assertSame(reason, e.reason());
    }

    @Test
    void shouldGiveTheWholeBudgetBackAtDestroyAndForgetEveryAllocation() {
        CountingBudget budget = new CountingBudget(64 * Pages.HUGEPAGE_PAGES);
        LargeAllocator large = large(budget);
        large.alloc(6 * MIB, 1); // three hugepages, live
        large.free(large.alloc(4 * MIB, 1).address()); // two hugepages, cached
        large.alloc(100 * 1024, 1); // a region
        assertEquals(2, large.liveExtents());
        LargeStats before = large.stats();
        assertEquals(1, before.inRegionExtents());
        assertEquals(2, before.cachedHugepages());
        assertEquals(1, before.regions());
        assertTrue(budget.heldPages() > 5L * Pages.HUGEPAGE_PAGES, "live, cached and region pages are held");
        assertEquals(2, large.destroy());
        assertEquals(0, budget.heldPages(), "every held page is given back, once");
        assertEquals(0, large.liveExtents());
        assertEquals(0, large.stats().regions());
    }

    @Test
    void shouldRefuseABadRequestWhenAskedForItsUsableSize() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        assertThrows(InvalidSizeException.class, () -> large.usableSize(0, 1));
        assertThrows(InvalidAlignmentException.class, () -> large.usableSize(5 * MIB, 3));
    }

    @Test
    void shouldUseARegionOnlyWhenHugepageRoundingWastesMoreThanAnEighth() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        // Four MiB less 466,034 bytes: 466,034 > 3,728,270 / 8 = 466,033. One byte more wastes exactly an eighth.
        assertTrue(large.usesRegion(3_728_270));
        assertFalse(large.usesRegion(3_728_271));
        assertEquals(Pages.pageCeiling(3_728_270), large.usableSize(3_728_270, 1));
        assertEquals(4 * MIB, large.usableSize(3_728_271, 1));
    }

    @Test
    void shouldPurgeARegionHugepageOnlyOnceItStayedEmptyForTheInterval() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        assertEquals(Long.MAX_VALUE, large.nanosUntilRelease(), "nothing cached, no region");
        LargeExtent extent = large.alloc(100 * 1024, 1);
        assertEquals(1_000_000_000L, large.nanosUntilRelease(), "a region pass one interval after the last");
        clock.advanceMillis(500);
        assertEquals(500_000_000L, large.nanosUntilRelease());
        large.free(extent.address());
        assertEquals(0, large.stats().curRequestedBytes());
        assertEquals(0, large.stats().curBytes());
        clock.advanceMillis(500);
        assertEquals(0, large.nanosUntilRelease());
        assertEquals(0, large.releaseIdle(), "the pass runs, but the hugepage has been empty for half the interval");
        assertEquals(1, large.stats().regionBackedHugepages());
        clock.advanceMillis(1_000);
        assertEquals(1, large.releaseIdle());
        assertEquals(0, large.stats().regions(), "an idle region goes back");
        assertEquals(Long.MAX_VALUE, large.nanosUntilRelease());
    }

    @Test
    void shouldCountSubreleasedPagesEvenAfterTheirRegionWentBack() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        LargeExtent kept = large.alloc(300 * 1024, 1);
        LargeExtent freed = large.alloc(300 * 1024, 1);
        assertTrue(kept.inRegion() && freed.inRegion());
        large.free(freed.address());
        clock.advanceMillis(1_000);
        assertEquals(0, large.releaseIdle(), "the hugepage still holds a live allocation");
        LargeStats sparse = large.stats();
        assertEquals(1, sparse.regionSubreleasedHugepages());
        assertEquals(freed.pages(), sparse.regionSubreleasedPages());
        assertEquals(1, sparse.regionBackedHugepages(), "a subreleased hugepage is still backed");
        assertEquals(
                sparse.regionSubreleasedPages(),
                large.stats().plus(LargeStats.NONE).regionSubreleasedPages());

        large.free(kept.address());
        clock.advanceMillis(1_000);
        assertEquals(1, large.releaseIdle());
        LargeStats after = large.stats();
        assertEquals(0, after.regions(), "an idle region goes back");
        assertEquals(0, after.regionSubreleasedHugepages());
        assertEquals(freed.pages(), after.regionSubreleasedPages(), "counted ever");
        assertNull(large.inconsistency());
    }

    @Test
    void shouldGiveBackEveryCachedHugepageUnderPressure() {
        CountingBudget budget = new CountingBudget(64 * Pages.HUGEPAGE_PAGES);
        LargeAllocator large = large(budget);
        large.free(large.alloc(4 * MIB, 1).address());
        assertEquals(2, large.stats().cachedHugepages());
        assertEquals(1_000_000_000L, large.nanosUntilRelease(), "the cache's pass, one interval after the last");
        clock.advanceMillis(300);
        assertEquals(700_000_000L, large.nanosUntilRelease());
        assertEquals(2, large.releaseCache());
        assertEquals(0, large.stats().cachedHugepages());
        assertEquals(0, budget.heldPages());
    }

    @Test
    void aSizedFreeRefusesSizesBeyondTheAllocation() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        LargeExtent packed = large.alloc(300 * 1024, 1);
        LargeExtent whole = large.alloc(5 * MIB, 1);
        assertRefused(FreeRefusal.WRONG_SIZE, () -> large.free(packed.address(), packed.size() + 1));
        assertRefused(FreeRefusal.WRONG_SIZE, () -> large.free(whole.address(), whole.size() + 1));
        assertRefused(FreeRefusal.WRONG_SIZE, () -> large.free(packed.address(), 0));
        large.free(packed.address(), packed.size());
        large.free(whole.address(), whole.size());
        assertEquals(0, large.liveExtents());
        assertNull(large.inconsistency());
    }

    @Test
    void anOddRegionServesUpToHalfItsHugepages() {
        LargeAllocator large =
                new LargeAllocator(0, LargeOptions.DEFAULTS.withRegionHugepages(3), hooks, clock, PageBudget.UNLIMITED);
        assertEquals(3 * MIB, large.options().regionMaxAlloc());
        assertTrue(large.usesRegion(3 * MIB), "a size of regionMaxAlloc itself is packed");
        assertFalse(large.usesRegion(3 * MIB + 1), "one byte more is not, although it wastes a quarter");
        LargeExtent packed = large.alloc(3 * MIB, 1);
        assertTrue(packed.inRegion());
        assertEquals(3 * MIB, packed.size());
        LargeExtent whole = large.alloc(3 * MIB + 1, 1);
        assertFalse(whole.inRegion());
        assertEquals(4 * MIB, whole.size());
        large.free(packed.address(), 3 * MIB - 100);
        large.free(whole.address(), 3 * MIB + Pages.PAGE);
        assertNull(large.inconsistency());
    }

    @Test
    void aRegionAllocationGoesToTheFullestRegionThatFitsIt() {
        LargeAllocator large =
                new LargeAllocator(0, LargeOptions.DEFAULTS.withRegionHugepages(2), hooks, clock, PageBudget.UNLIMITED);
        long pages384 = 384 * Pages.PAGE;
        LargeExtent x = large.alloc(pages384, 1);
        LargeExtent y = large.alloc(pages384, 1);
        assertEquals(x.end(), y.address(), "both in the first region");
        LargeExtent w = large.alloc(300 * Pages.PAGE, 1);
        assertEquals(2, large.stats().regions(), "300 pages do not fit the 256 left in the first region");
        large.free(x.address());
        large.free(y.address());
        // The first region is empty now (1024 free pages), the second holds 300 (724 free).
        LargeExtent next = large.alloc(100 * Pages.PAGE, 1);
        assertEquals(w.end(), next.address(), "into the fuller second region, after its allocation");
        assertNull(large.inconsistency());
    }

    @Test
    void aSizedFreeTakesTheUsableSizeOfAPackedAllocation() {
        LargeAllocator large = large(PageBudget.UNLIMITED);
        LargeExtent packed = large.alloc(5000, 1);
        assertTrue(packed.inRegion());
        assertEquals(2 * Pages.PAGE, packed.size());
        large.free(packed.address(), packed.size());
        assertEquals(0, large.liveExtents());
    }

    @Test
    void betweenRegionsEquallyFullTheLowerOneIsFilledFirst() {
        LargeAllocator large =
                new LargeAllocator(0, LargeOptions.DEFAULTS.withRegionHugepages(2), hooks, clock, PageBudget.UNLIMITED);
        large.alloc(384 * Pages.PAGE, 1);
        LargeExtent y = large.alloc(384 * Pages.PAGE, 1);
        LargeExtent w = large.alloc(300 * Pages.PAGE, 1); // the second region, above the first
        assertTrue(w.address() > y.address());
        large.alloc(424 * Pages.PAGE, 1); // the second region too: 300 pages left there
        LargeExtent v = large.alloc(44 * Pages.PAGE, 1); // the first, fuller: 212 left
        large.free(y.address()); // the first has 596 free now
        LargeExtent u = large.alloc(4 * Pages.PAGE, 1); // the second is the fuller one now
        large.free(w.address()); // 596 free in each, the second ahead of the first in the last order
        LargeExtent next = large.alloc(10 * Pages.PAGE, 1);
        assertEquals(v.end(), next.address(), "equal free pages: the lower region first, best fit in it");
        assertTrue(u.end() != next.address());
        assertNull(large.inconsistency());
    }
}
