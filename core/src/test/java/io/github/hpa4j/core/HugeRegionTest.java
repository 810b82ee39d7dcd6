package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One region: best fit over its pages, hugepages backed while used, sparse ones subreleased, zero pages known. */
class HugeRegionTest {
    private static final long BASE = 1L << 40;
    private static final int HP = Pages.HUGEPAGE_PAGES;
    private final RecordingHooks hooks = new RecordingHooks();
    private final CountingBudget budget = new CountingBudget(64 * HP);

    private long alloc(HugeRegion region, int npages, int alignPages) {
        return alloc(region, npages, alignPages, new PagesToClear.Builder());
    }

    private long alloc(HugeRegion region, int npages, int alignPages, PagesToClear.Builder toClear) {
        return region.alloc(npages, alignPages, budget, toClear);
    }

    private static int page(long address) {
        return (int) ((address - BASE) >>> Pages.LG_PAGE);
    }

    @Test
    void shouldFitAnAllocationIntoTheSmallestFreeRangeThatHoldsIt() {
        HugeRegion region = new HugeRegion(BASE, 4);
        long a = alloc(region, 10, 1);
        long b = alloc(region, 5, 1);
        long c = alloc(region, 20, 1);
        long d = alloc(region, 1, 1);
        region.free(a, 10, 0); // a 10-page hole at 0
        region.free(c, 20, 0); // a 20-page hole at 15
        assertEquals(4 * HP - 10 - 5 - 20 - 1 + 30, region.freePages());
        assertEquals(page(c), page(alloc(region, 20, 1)), "the exact fit, not the first");
        assertEquals(0, page(alloc(region, 9, 1)), "the 10-page hole is the smallest that holds 9");
        assertEquals(9, page(alloc(region, 1, 1)), "and the 1-page rest of it fits 1 exactly");
        assertEquals(35, page(d));
        assertEquals(40, page(alloc(region, 2, 8)), "the free range starts at page 36: aligned to 8, page 40");
        assertEquals(10, page(b));
        assertNull(region.inconsistency());
    }

    @Test
    void shouldRefuseWhatNoFreeRangeHoldsOnceAligned() {
        HugeRegion region = new HugeRegion(BASE, 1);
        long first = alloc(region, 1, 1);
        assertEquals(BASE, first);
        assertEquals(HP - 1, region.longestFree());
        // 511 free pages from page 1: 256 pages aligned to 256 start at page 256 and end at 512.
        assertEquals(256, page(alloc(region, 256, 256)));
        assertEquals(HugeRegion.NO_FIT, alloc(region, 255, 256), "page 1 is not aligned, page 512 is past the end");
        assertEquals(HugeRegion.NO_FIT, alloc(region, 256, 1), "255 pages free at most");
        assertEquals(1, page(alloc(region, 255, 1)), "the exact fit of what is left");
        assertEquals(0, region.freePages());
    }

    @Test
    void shouldBackEachHugepageOnceAndReportOnlyTouchedPagesToClear() {
        HugeRegion region = new HugeRegion(BASE, 2);
        PagesToClear.Builder first = new PagesToClear.Builder();
        long a = alloc(region, HP + 1, 1, first); // spans both hugepages
        assertEquals(2L * HP, budget.heldPages(), "both hugepages backed in full");
        assertEquals(0, first.build().pages(), "fresh pages are zero");
        region.free(a, HP + 1, 100);
        PagesToClear.Builder again = new PagesToClear.Builder();
        long b = alloc(region, 4, 1, again);
        assertEquals(a, b);
        assertEquals(4, again.build().pages(), "reused pages must be cleared");
        assertEquals(2L * HP, budget.heldPages(), "no hugepage backed twice");
        assertNull(region.inconsistency());
    }

    @Test
    void shouldPurgeOnlyHugepagesEmptyForTheIntervalAndForgetTheirPages() {
        HugeRegion region = new HugeRegion(BASE, 2);
        long a = alloc(region, 4, 1);
        long b = alloc(region, HP, HP); // the second hugepage
        assertEquals(BASE + Pages.HUGEPAGE, b);
        region.free(b, HP, 1_000);
        assertEquals(0, region.releaseIdle(hooks, budget, 1_999, 1_000), "empty for less than the interval");
        assertEquals(1, region.releaseIdle(hooks, budget, 2_000, 1_000), "empty for exactly the interval");
        assertEquals(1, hooks.count("purge"));
        assertEquals(BASE + Pages.HUGEPAGE, hooks.calls.get(0).address(), "the second hugepage, not the first");
        assertEquals(HP, budget.heldPages(), "the first hugepage stays backed: it is in use");
        assertEquals(1, region.backedHugepages());
        assertFalse(region.idle());

        PagesToClear.Builder toClear = new PagesToClear.Builder();
        assertEquals(b, alloc(region, HP, HP, toClear));
        assertEquals(0, toClear.build().pages(), "a purged hugepage reads as zero");
        region.free(b, HP, 3_000);
        region.free(a, 4, 3_000);
        assertEquals(2, region.releaseIdle(hooks, budget, 4_000, 1_000));
        assertTrue(region.idle());
        assertEquals(0, budget.heldPages());
    }

    /** The first hugepage filled by eight allocations of 64 pages; their addresses. */
    private long[] fillFirstHugepage(HugeRegion region) {
        long[] blocks = new long[8];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = alloc(region, HP / 8, 1);
        }
        return blocks;
    }

    private static long pages(long n) {
        return n << Pages.LG_PAGE;
    }

    @Test
    void shouldSubreleaseTheFreePagesOfAHugepageThatStayedSparse() {
        HugeRegion region = new HugeRegion(BASE, 2);
        long[] blocks = fillFirstHugepage(region);
        region.free(blocks[2], HP / 8, 1_000);
        region.free(blocks[5], HP / 8, 1_000);
        assertEquals(0, region.releaseIdle(hooks, budget, 1_999, 1_000));
        assertEquals(0, hooks.calls.size(), "no free has been free for the interval yet");

        assertEquals(0, region.releaseIdle(hooks, budget, 2_000, 1_000), "nothing is released whole");
        assertEquals(
                List.of(
                        new RecordingHooks.Call("dehugify", BASE, Pages.HUGEPAGE),
                        new RecordingHooks.Call("purge", blocks[2], pages(HP / 8)),
                        new RecordingHooks.Call("purge", blocks[5], pages(HP / 8))),
                hooks.calls,
                "advised away from hugepages before any purge, then each free run purged");
        assertEquals(1, region.subreleasedHugepages());
        assertEquals(2 * HP / 8, region.subreleasedPages());
        assertEquals(HP, budget.heldPages(), "a subreleased hugepage is still counted whole");
        assertEquals(1, region.backedHugepages());

        hooks.reset();
        assertEquals(0, region.releaseIdle(hooks, budget, 5_000, 1_000));
        assertEquals(0, hooks.calls.size(), "nothing dirty is left to subrelease");
        PagesToClear.Builder toClear = new PagesToClear.Builder();
        assertEquals(blocks[2], alloc(region, HP / 8, 1, toClear));
        assertEquals(0, toClear.build().pages(), "subreleased pages read as zero");
        assertNull(region.inconsistency());
    }

    @Test
    void shouldSubreleaseOnlyFromAnEighthOfTheHugepageFreeAndDirty() {
        HugeRegion region = new HugeRegion(BASE, 1);
        long a = alloc(region, HugeRegion.SUBRELEASE_MIN_FREE_PAGES - 1, 1);
        alloc(region, HP - HugeRegion.SUBRELEASE_MIN_FREE_PAGES, 1);
        long c = alloc(region, 1, 1);
        region.free(a, HugeRegion.SUBRELEASE_MIN_FREE_PAGES - 1, 0);
        region.releaseIdle(hooks, budget, 10_000, 1_000);
        assertEquals(0, hooks.calls.size(), "one page short of the bound");

        region.free(c, 1, 20_000);
        region.releaseIdle(hooks, budget, 21_000, 1_000);
        assertEquals(1, hooks.count("dehugify"), "exactly at the bound");
        assertEquals(2, hooks.count("purge"));
        assertEquals(HugeRegion.SUBRELEASE_MIN_FREE_PAGES, region.subreleasedPages());
    }

    @Test
    void shouldWaitAFullIntervalAfterTheLastFreeIntoTheHugepage() {
        HugeRegion region = new HugeRegion(BASE, 2);
        long[] blocks = fillFirstHugepage(region);
        long other = alloc(region, HP, HP);
        region.free(blocks[0], HP / 8, 1_000);
        region.free(blocks[1], HP / 8, 1_500);
        region.free(other, HP, 1_500);
        region.releaseIdle(hooks, budget, 2_000, 1_000);
        assertEquals(0, hooks.calls.size(), "the second free restarted the first hugepage's clock");
        assertEquals(1, region.releaseIdle(hooks, budget, 2_500, 1_000), "the empty second hugepage goes whole");
        assertEquals(1, hooks.count("dehugify"), "and the first is subreleased at the same pass");
        assertEquals(BASE, hooks.calls.get(0).address());
        assertEquals(
                new RecordingHooks.Call("purge", blocks[0], pages(2 * HP / 8)),
                hooks.calls.get(1),
                "the two adjacent free blocks purged as one run");
        assertEquals(new RecordingHooks.Call("purge", BASE + Pages.HUGEPAGE, Pages.HUGEPAGE), hooks.calls.get(2));
    }

    @Test
    void shouldPurgeUntouchedFreePagesOfASubreleasedHugepageToo() {
        HugeRegion region = new HugeRegion(BASE, 1);
        long a = alloc(region, HP / 4, 1);
        long b = alloc(region, 4, 1);
        region.free(a, HP / 4, 0);
        region.releaseIdle(hooks, budget, 1_000, 1_000);
        assertEquals(
                List.of(
                        new RecordingHooks.Call("dehugify", BASE, Pages.HUGEPAGE),
                        new RecordingHooks.Call("purge", a, pages(HP / 4)),
                        new RecordingHooks.Call("purge", b + pages(4), pages(HP - HP / 4 - 4))),
                hooks.calls,
                "once split, the pages no allocation touched would stay resident as small pages");
        assertEquals(HP / 4, region.subreleasedPages(), "only the dirty ones count as given back");
    }

    @Test
    void shouldAdviseASubreleasedHugepageHugeAgainOnceItIsFullOrPurgedWhole() {
        HugeRegion region = new HugeRegion(BASE, 1);
        long[] blocks = fillFirstHugepage(region);
        region.free(blocks[3], HP / 8, 0);
        region.releaseIdle(hooks, budget, 1_000, 1_000);
        assertEquals(1, region.subreleasedHugepages());
        hooks.reset();
        assertEquals(blocks[3], alloc(region, HP / 8, 1));
        region.releaseIdle(hooks, budget, 1_000, 1_000);
        assertEquals(List.of(new RecordingHooks.Call("hugify", BASE, Pages.HUGEPAGE)), hooks.calls, "full again");
        assertEquals(0, region.subreleasedHugepages());

        region.free(blocks[4], HP / 8, 2_000);
        region.releaseIdle(hooks, budget, 3_000, 1_000);
        assertEquals(1, region.subreleasedHugepages());
        for (long block : blocks) {
            if (block != blocks[4]) {
                region.free(block, HP / 8, 4_000);
            }
        }
        hooks.reset();
        assertEquals(1, region.releaseIdle(hooks, budget, 5_000, 1_000));
        assertEquals(
                List.of(
                        new RecordingHooks.Call("purge", BASE, Pages.HUGEPAGE),
                        new RecordingHooks.Call("hugify", BASE, Pages.HUGEPAGE)),
                hooks.calls,
                "empty and purged whole");
        assertEquals(0, region.subreleasedHugepages());
        assertTrue(region.idle());
    }

    @Test
    void shouldLeaveAHugepageAsItWasWhenTheOsRefusesToSplitOrPurgeIt() {
        HugeRegion region = new HugeRegion(BASE, 1);
        long[] blocks = fillFirstHugepage(region);
        region.free(blocks[1], HP / 8, 0);
        hooks.failDehugify = true;
        region.releaseIdle(hooks, budget, 1_000, 1_000);
        assertEquals(0, hooks.count("purge"), "no purge of a hugepage still advised huge");
        assertEquals(0, region.subreleasedHugepages());

        hooks.failDehugify = false;
        hooks.failPurge = true;
        region.releaseIdle(hooks, budget, 2_000, 1_000);
        assertEquals(1, region.subreleasedHugepages(), "advised away, its purge refused");
        assertEquals(0, region.subreleasedPages());
        PagesToClear.Builder toClear = new PagesToClear.Builder();
        assertEquals(blocks[1], alloc(region, HP / 8, 1, toClear));
        assertEquals(HP / 8, toClear.build().pages(), "pages not purged still hold old data");
        region.free(blocks[1], HP / 8, 3_000);

        hooks.failPurge = false;
        hooks.reset();
        region.releaseIdle(hooks, budget, 4_000, 1_000);
        assertEquals(
                List.of(new RecordingHooks.Call("purge", blocks[1], pages(HP / 8))),
                hooks.calls,
                "tried again at a later pass, with no second advice");
        assertNull(region.inconsistency());
    }

    /*
     * Two free ranges from page 0, each kept apart from the next by a one-page allocation; the
     * second is freed first, so the lower one is no older than the other.
     */
    private void freeTwoHoles(HugeRegion region, int firstPages, int secondPages) {
        long first = alloc(region, firstPages, 1);
        alloc(region, 1, 1);
        long second = alloc(region, secondPages, 1);
        alloc(region, 1, 1);
        region.free(second, secondPages, 0);
        region.free(first, firstPages, 0);
    }

    @Test
    void shouldTakeTheLowestOfTwoEquallyGoodFreeRanges() {
        HugeRegion region = new HugeRegion(BASE, 1);
        freeTwoHoles(region, 10, 10);
        assertEquals(0, page(alloc(region, 5, 1)), "two 10-page holes: the first, as TCMalloc's best fit does");
        assertEquals(5, page(alloc(region, 5, 1)), "then the rest of it, the smallest hole now");
        assertEquals(11, page(alloc(region, 10, 1)));
        assertNull(region.inconsistency());
    }

    @Test
    void shouldKnowItsOwnPagesOnly() {
        HugeRegion region = new HugeRegion(BASE, 2);
        assertTrue(region.contains(BASE));
        assertTrue(region.contains(BASE + 2 * Pages.HUGEPAGE - 1));
        assertFalse(region.contains(BASE + 2 * Pages.HUGEPAGE));
        assertFalse(region.contains(BASE - 1));
    }

    @Test
    void shouldPreferAnExactFitToAnEarlierLargerOne() {
        HugeRegion region = new HugeRegion(BASE, 1);
        freeTwoHoles(region, 20, 9);
        assertEquals(21, page(alloc(region, 9, 1)), "the 9-page hole, past the 20-page one");
    }

    @Test
    void shouldReportTouchedPagesFromTheAllocationsStart() {
        HugeRegion region = new HugeRegion(BASE, 1);
        alloc(region, 10, 1);
        long b = alloc(region, 10, 1);
        alloc(region, 1, 1);
        region.free(b, 10, 0);
        PagesToClear.Builder toClear = new PagesToClear.Builder();
        assertEquals(10, page(alloc(region, 10, 1, toClear)));
        assertEquals(PagesToClear.all(10), toClear.build(), "every page was b's: all of it, from page 0");
    }

    @Test
    void shouldReportEveryTouchedRunInsideOneAllocation() {
        HugeRegion region = new HugeRegion(BASE, 1);
        long p = alloc(region, 70, 1);
        long q1 = alloc(region, 1, 1);
        long r = alloc(region, 70, 1);
        long q2 = alloc(region, 1, 1);
        long r2 = alloc(region, 70, 1);
        alloc(region, 1, 1);
        region.free(p, 70, 0);
        region.free(r, 70, 0);
        region.free(r2, 70, 0);
        long interval = 1_000_000_000L;
        assertEquals(0, region.releaseIdle(hooks, budget, interval, interval));
        assertEquals(210, region.subreleasedPages(), "the sparse hugepage gave its dirty free pages back");
        region.free(q1, 1, interval);
        region.free(q2, 1, interval);
        PagesToClear.Builder toClear = new PagesToClear.Builder();
        assertEquals(0, page(alloc(region, 212, 1, toClear)));
        assertEquals(new PagesToClear.Builder().add(70, 1).add(141, 1).build(), toClear.build());
    }

    @Test
    void shouldSubreleaseAndAdviseTheHugepageWhereTheFreePagesAre() {
        HugeRegion region = new HugeRegion(BASE, 2);
        alloc(region, HP, 1); // hugepage 0, full
        assertEquals(HP, page(alloc(region, 10, 1)));
        long c = alloc(region, 100, 1);
        assertEquals(HP + 10, page(c));
        region.free(c, 100, 0);
        long interval = 1_000_000_000L;
        hooks.reset();
        assertEquals(0, region.releaseIdle(hooks, budget, interval, interval));
        long second = BASE + Pages.HUGEPAGE;
        assertEquals(
                List.of(
                        new RecordingHooks.Call("dehugify", second, Pages.HUGEPAGE),
                        new RecordingHooks.Call("purge", second + 10 * Pages.PAGE, (long) (HP - 10) << Pages.LG_PAGE)),
                hooks.calls);
        assertEquals(100, region.subreleasedPages());
        assertEquals(HP + 10, page(alloc(region, HP - 10, 1)), "the rest of hugepage 1: full again");
        hooks.reset();
        region.releaseIdle(hooks, budget, 2 * interval, interval);
        assertEquals(List.of(new RecordingHooks.Call("hugify", second, Pages.HUGEPAGE)), hooks.calls);
        assertNull(region.inconsistency());
    }

    @Test
    void shouldKeepAnEmptyHugepageBackedWhenTheOsRefusesToPurgeIt() {
        HugeRegion region = new HugeRegion(BASE, 1);
        long a = alloc(region, 10, 1);
        region.free(a, 10, 0);
        long held = budget.heldPages();
        hooks.failPurge = true;
        assertEquals(0, region.releaseIdle(hooks, budget, 1_000, 1_000), "refused: nothing given back");
        assertEquals(1, region.backedHugepages());
        assertEquals(held, budget.heldPages());
        hooks.failPurge = false;
        assertEquals(1, region.releaseIdle(hooks, budget, 2_000, 1_000), "tried again at the next pass");
        assertEquals(0, region.backedHugepages());
        assertTrue(region.idle());
    }
}
