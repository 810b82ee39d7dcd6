package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** One region: best fit over its pages, hugepages backed while used, zero pages known. */
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
        region.free(a, 10, 0);   // a 10-page hole at 0
        region.free(c, 20, 0);   // a 20-page hole at 15
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
        long a = alloc(region, HP + 1, 1, first);                  // spans both hugepages
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
        long b = alloc(region, HP, HP);                   // the second hugepage
        assertEquals(BASE + Pages.HUGEPAGE, b);
        region.free(b, HP, 1_000);
        assertEquals(0, region.releaseEmpty(hooks, budget, 1_999, 1_000), "empty for less than the interval");
        assertEquals(1, region.releaseEmpty(hooks, budget, 2_000, 1_000), "empty for exactly the interval");
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
        assertEquals(2, region.releaseEmpty(hooks, budget, 4_000, 1_000));
        assertTrue(region.idle());
        assertEquals(0, budget.heldPages());
    }
}
