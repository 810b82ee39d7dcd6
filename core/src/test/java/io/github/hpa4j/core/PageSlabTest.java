package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A slab's metadata: a port of jemalloc's test/hpdata.c (the first five tests, in its order), then
 * brute-force oracles for first fit, the longest free range and purge ranges.
 */
class PageSlabTest {
    /* hpdata.c's HPDATA_ADDR and HPDATA_AGE. */
    private static final long ADDR = 10 * Pages.HUGEPAGE;
    private static final long AGE = 123;
    private static final int PAGES = Pages.HUGEPAGE_PAGES;

    private static PageSlab newSlab() {
        return new PageSlab(ADDR, AGE);
    }

    private static long addr(int page) {
        return ADDR + ((long) page << Pages.LG_PAGE);
    }

    /** Drains purgeNext into a list of ranges (as byte address and size pairs, like hpdata.c). */
    private static List<long[]> purgeRanges(PageSlab slab, PurgeState state) {
        List<long[]> ranges = new ArrayList<>();
        for (long r = slab.purgeNext(state); r != BitRange.NONE; r = slab.purgeNext(state)) {
            ranges.add(new long[] {addr(BitRange.begin(r)), (long) BitRange.length(r) << Pages.LG_PAGE});
        }
        return ranges;
    }

    // ---------------------------------------------------------------- test/hpdata.c

    /** test_reserve_alloc. */
    @Test
    void shouldReserveFirstFitAndMergeFreedNeighboursIntoTheLongestFreeRange() {
        PageSlab slab = newSlab();
        // Allocating a page at a time is first fit.
        for (int i = 0; i < PAGES; i++) {
            assertNull(slab.inconsistency());
            assertEquals(PAGES - i, slab.longestFreeRange());
            assertEquals(i, slab.reserveAlloc(1));
            assertNull(slab.inconsistency());
        }
        assertEquals(0, slab.longestFreeRange());
        assertTrue(slab.full());

        // Build up a bigger free range two pages at a time: pages 8..13 are free afterwards.
        slab.unreserve(10, 2);
        assertNull(slab.inconsistency());
        assertEquals(2, slab.longestFreeRange());
        slab.unreserve(12, 2);
        assertEquals(4, slab.longestFreeRange());
        slab.unreserve(8, 2);
        assertEquals(6, slab.longestFreeRange());

        // Page 14 stays reserved, 15 is freed: a range of 6, a reserved page, a range of 1.
        slab.unreserve(15, 1);
        assertNull(slab.inconsistency());
        assertEquals(6, slab.longestFreeRange());

        // Freeing page 14 joins the two ranges.
        slab.unreserve(14, 1);
        assertNull(slab.inconsistency());
        assertEquals(8, slab.longestFreeRange());
        assertEquals(PAGES - 8, slab.nactive());
    }

    /** test_purge_simple. */
    @Test
    void shouldPurgeTheDirtyPagesAtTheStartAsOneRange() {
        PageSlab slab = newSlab();
        assertEquals(0, slab.reserveAlloc(PAGES / 2));
        // PAGES / 4 dirty inactive pages at the beginning.
        slab.unreserve(0, PAGES / 4);
        assertEquals(PAGES / 2, slab.ntouched());

        slab.allocAllowed(false);
        PurgeState state = new PurgeState();
        assertEquals(PAGES / 4, slab.purgeBegin(state));

        List<long[]> ranges = purgeRanges(slab, state);
        assertEquals(1, ranges.size(), "one range, no more");
        assertEquals(ADDR, ranges.get(0)[0]);
        assertEquals(PAGES / 4 * Pages.PAGE, ranges.get(0)[1]);

        slab.purgeEnd(state);
        assertEquals(PAGES / 4, slab.ntouched());
        assertEquals(0, slab.ndirty());
        assertNull(slab.inconsistency());
    }

    /**
     * test_purge_intervening_dalloc. Only intervening frees are tested: allocation is disallowed
     * during a purge, because it would interfere with purging across retained pages.
     */
    @Test
    void shouldLeavePagesFreedDuringAPurgeDirtyAndTouched() {
        PageSlab slab = newSlab();
        assertEquals(0, slab.reserveAlloc(3 * PAGES / 4));
        // Free the first and the third quarter.
        slab.unreserve(0, PAGES / 4);
        slab.unreserve(2 * PAGES / 4, PAGES / 4);
        assertEquals(3 * PAGES / 4, slab.ntouched());

        slab.allocAllowed(false);
        PurgeState state = new PurgeState();
        assertEquals(PAGES / 2, slab.purgeBegin(state));

        long first = slab.purgeNext(state);
        assertEquals(BitRange.of(0, PAGES / 4), first);

        // Free the second quarter before the second purge.
        slab.unreserve(PAGES / 4, PAGES / 4);

        long second = slab.purgeNext(state);
        assertTrue(second != BitRange.NONE);
        assertEquals(2 * PAGES / 4, BitRange.begin(second));
        assertTrue(BitRange.length(second) <= PAGES / 4, "hpdata.c: expect_zu_ge(HUGEPAGE_PAGES / 4 * PAGE, size)");
        assertEquals(BitRange.NONE, slab.purgeNext(state), "no third range");

        slab.purgeEnd(state);
        // The quarter freed meanwhile was not purged: it is still touched, now dirty.
        assertEquals(PAGES / 4, slab.ntouched());
        assertEquals(PAGES / 4, slab.ndirty());
        assertEquals(0, slab.nactive());
        assertNull(slab.inconsistency());
    }

    /** test_purge_over_retained. */
    @Test
    void shouldPurgeAcrossRetainedPagesInOneRange() {
        PageSlab slab = newSlab();
        assertEquals(0, slab.reserveAlloc(3 * PAGES / 4));
        // Free and purge the second quarter.
        slab.unreserve(PAGES / 4, PAGES / 4);
        assertEquals(3 * PAGES / 4, slab.ntouched());

        slab.allocAllowed(false);
        PurgeState state = new PurgeState();
        assertEquals(PAGES / 4, slab.purgeBegin(state));
        assertEquals(BitRange.of(PAGES / 4, PAGES / 4), slab.purgeNext(state));
        assertEquals(BitRange.NONE, slab.purgeNext(state));
        slab.purgeEnd(state);
        assertEquals(PAGES / 2, slab.ntouched());

        // Free the first and the third quarter.
        slab.unreserve(0, PAGES / 4);
        slab.unreserve(2 * PAGES / 4, PAGES / 4);

        /*
         * The second quarter is retained, so it may safely be purged again: one purge of 3/4 of the
         * hugepage covers the half that is dirty.
         */
        assertEquals(PAGES / 2, slab.purgeBegin(state));
        assertEquals(BitRange.of(0, 3 * PAGES / 4), slab.purgeNext(state));
        assertEquals(BitRange.NONE, slab.purgeNext(state));
        slab.purgeEnd(state);
        assertEquals(0, slab.ntouched());
        assertNull(slab.inconsistency());
    }

    @Test
    void shouldRecordWhetherAnyPageWasFreedSinceTheSlabWasLastEmpty() {
        PageSlab slab = newSlab();
        assertTrue(slab.grownSinceEmpty(), "a fresh slab");
        int first = slab.reserveAlloc(10);
        slab.reserveAlloc(20);
        assertTrue(slab.grownSinceEmpty(), "allocations alone");
        slab.unreserve(first, 1);
        assertFalse(slab.grownSinceEmpty(), "one page freed");
        slab.reserveAlloc(1);
        assertFalse(slab.grownSinceEmpty(), "refilling the hole is churn");
        slab.unreserve(0, 30);
        assertFalse(slab.grownSinceEmpty(), "emptied, not yet grown again");
        slab.reserveAlloc(5);
        assertTrue(slab.grownSinceEmpty(), "the first allocation into an empty slab starts a growth");
    }

    /** test_hugify. */
    @Test
    void shouldCountEveryPageTouchedOnceHugified() {
        PageSlab slab = newSlab();
        assertEquals(0, slab.reserveAlloc(PAGES / 2));
        assertEquals(PAGES / 2, slab.ntouched());
        slab.hugify();
        // Hugifying backs the whole hugepage, so the dirty page count grows.
        assertEquals(PAGES, slab.ntouched());
        assertEquals(PAGES / 2, slab.ndirty());
        assertTrue(slab.huge());
        slab.dehugify();
        assertFalse(slab.huge());
        assertEquals(PAGES, slab.ntouched(), "dehugifying alone gives nothing back");
        assertNull(slab.inconsistency());
    }

    // ---------------------------------------------------------------- hpa4j additions

    @Test
    void shouldRefuseAnAddressThatIsNotHugepageAligned() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new PageSlab(ADDR + Pages.PAGE, AGE));
        assertTrue(e.getMessage().contains(Long.toHexString(ADDR + Pages.PAGE)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PageSlab(ADDR + Pages.HUGEPAGE / 2, AGE));
    }

    @Test
    void shouldStartEmptyAllowedToAllocateAndNeitherPurgeableNorHugifiable() {
        PageSlab slab = newSlab();
        assertEquals(ADDR, slab.address());
        assertEquals(AGE, slab.age());
        assertTrue(slab.empty());
        assertFalse(slab.full());
        assertEquals(PAGES, slab.longestFreeRange());
        assertEquals(PAGES, slab.nretained());
        assertTrue(slab.allocAllowed());
        assertFalse(slab.purgeAllowed());
        assertFalse(slab.hugifyAllowed());
        assertFalse(slab.changingState());
        assertFalse(slab.inSet());
        assertNull(slab.inconsistency());
    }

    /** The only way hpa4j code can break the hugify pair: allowing without the set filing it. */
    @Test
    void shouldNameAHugifyFlagThatNoSetFiled() {
        PageSlab slab = newSlab();
        slab.reserveAlloc(PAGES);
        slab.allowHugify(1);
        String problem = slab.inconsistency();
        assertNotNull(problem);
        assertTrue(problem.contains("hugifyAllowed true but inSetHugifyContainer false"), problem);
        assertFalse(slab.consistent());
    }

    @Test
    void shouldNameAPurgeAllowedWhileMidPurge() {
        PageSlab slab = newSlab();
        slab.reserveAlloc(3);
        slab.unreserve(0, 1);
        slab.purgeAllowed(true);
        slab.midPurge(true);
        String problem = slab.inconsistency();
        assertNotNull(problem);
        assertTrue(problem.contains("mid purge/hugify but purge or hugify still allowed"), problem);
    }

    /** With -Dhpa4j.checks=true (the test build) the next mutation trips over the mismatch. */
    @Test
    void shouldRefuseToMutateAnInconsistentSlabWhenChecksAreOn() {
        assertTrue(Checks.ENABLED, "the test build runs with -Dhpa4j.checks=true");
        PageSlab slab = newSlab();
        slab.reserveAlloc(1);
        slab.allowHugify(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> slab.reserveAlloc(1));
        assertTrue(e.getMessage().contains("inSetHugifyContainer"), e.getMessage());
    }

    /** hpdata_consistent: a huge slab is backed in full, so purging it without dehugifying is caught. */
    @Test
    void shouldCatchAHugeSlabPurgedWithoutDehugifying() {
        PageSlab slab = newSlab();
        slab.reserveAlloc(PAGES / 2);
        slab.unreserve(0, 1);
        slab.hugify();
        slab.allocAllowed(false);
        PurgeState state = new PurgeState();
        slab.purgeBegin(state);
        while (slab.purgeNext(state) != BitRange.NONE) {
            // Drain the ranges.
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> slab.purgeEnd(state));
        assertTrue(e.getMessage().contains("huge but only"), e.getMessage());
    }

    /** Pages that were active once stay touched (dirty) until a purge, and are not re-counted. */
    @Test
    void shouldNotCountAPageTouchedTwice() {
        PageSlab slab = newSlab();
        slab.reserveAlloc(10);
        slab.unreserve(2, 5);
        assertEquals(10, slab.ntouched());
        assertEquals(5, slab.ndirty());
        assertEquals(2, slab.reserveAlloc(3), "first fit reuses the dirty hole");
        assertEquals(10, slab.ntouched(), "reusing dirty pages touches nothing new");
        assertEquals(2, slab.ndirty());
        assertEquals(PAGES - 10, slab.nretained());
    }

    /**
     * The purge ranges of purgeBegin/purgeNext, checked against brute force: they cover every dirty
     * page, contain no active page, start and end on a dirty page, and are maximal over retained
     * gaps between two dirty runs with no active page between them.
     */
    private static void checkPurgeAgainstOracle(
            PageSlab slab, boolean[] active, boolean[] touched, long seed, int step) {
        String where = "seed " + seed + " step " + step;
        int dirty = 0;
        for (int p = 0; p < PAGES; p++) {
            if (touched[p] && !active[p]) {
                dirty++;
            }
        }
        slab.allocAllowed(false);
        PurgeState state = new PurgeState();
        assertEquals(dirty, slab.purgeBegin(state), where);
        boolean[] purged = new boolean[PAGES];
        int previousEnd = -1;
        for (long r = slab.purgeNext(state); r != BitRange.NONE; r = slab.purgeNext(state)) {
            int begin = BitRange.begin(r);
            int end = BitRange.end(r);
            assertTrue(begin > previousEnd, where + ": ranges in order, not adjacent " + BitRange.toString(r));
            assertTrue(touched[begin] && !active[begin], where + ": starts on a dirty page");
            assertTrue(touched[end - 1] && !active[end - 1], where + ": ends on a dirty page");
            for (int p = begin; p < end; p++) {
                assertFalse(active[p], where + ": purge range " + BitRange.toString(r) + " covers active page " + p);
                purged[p] = true;
            }
            if (previousEnd >= 0) {
                boolean activeBetween = false;
                for (int p = previousEnd; p < begin; p++) {
                    activeBetween |= active[p];
                }
                assertTrue(activeBetween, where + ": two ranges with only retained pages between them");
            }
            previousEnd = end;
        }
        for (int p = 0; p < PAGES; p++) {
            if (touched[p] && !active[p]) {
                assertTrue(purged[p], where + ": dirty page " + p + " not purged");
            }
        }
        slab.purgeEnd(state);
        for (int p = 0; p < PAGES; p++) {
            touched[p] = active[p];
        }
        slab.allocAllowed(true);
    }

    /**
     * reserveAlloc's incremental longest-free-range update (it rescans only past the chosen range)
     * against a recount, with first fit, nactive, ntouched and purging checked on every step.
     */
    @Test
    void shouldKeepFirstFitAndTheLongestFreeRangeEqualToBruteForce() {
        // A fixed seed, so a failure reproduces; printed in every assertion message.
        final long seed = 0x5EED_4DA7AL;
        Random random = new Random(seed);
        PageSlab slab = newSlab();
        boolean[] active = new boolean[PAGES];
        boolean[] touched = new boolean[PAGES];
        List<int[]> live = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            String where = "seed " + seed + " step " + step;
            int op = random.nextInt(100);
            if (op < 55 && slab.longestFreeRange() > 0) {
                // Mostly small requests, sometimes up to the whole longest range.
                int max = slab.longestFreeRange();
                int npages = random.nextInt(4) == 0 ? 1 + random.nextInt(max) : 1 + random.nextInt(Math.min(max, 8));
                int expected = firstFit(active, npages);
                assertEquals(expected, slab.reserveAlloc(npages), where + ": first fit of " + npages);
                for (int p = expected; p < expected + npages; p++) {
                    active[p] = true;
                    touched[p] = true;
                }
                live.add(new int[] {expected, npages});
            } else if (op < 97 && !live.isEmpty()) {
                int[] extent = live.remove(random.nextInt(live.size()));
                slab.unreserve(extent[0], extent[1]);
                for (int p = extent[0]; p < extent[0] + extent[1]; p++) {
                    active[p] = false;
                }
            } else {
                checkPurgeAgainstOracle(slab, active, touched, seed, step);
            }
            assertEquals(longestFree(active), slab.longestFreeRange(), where);
            assertEquals(count(active), slab.nactive(), where);
            assertEquals(count(touched), slab.ntouched(), where);
            for (int p = 0; p < PAGES; p++) {
                if (active[p] != slab.isActive(p) || touched[p] != slab.isTouched(p)) {
                    throw new AssertionError(where + ": page " + p + " differs");
                }
            }
        }
    }

    private static int firstFit(boolean[] active, int npages) {
        int run = 0;
        for (int p = 0; p < PAGES; p++) {
            run = active[p] ? 0 : run + 1;
            if (run == npages) {
                return p - npages + 1;
            }
        }
        throw new AssertionError("no fit for " + npages);
    }

    private static int longestFree(boolean[] active) {
        int best = 0;
        int run = 0;
        for (boolean a : active) {
            run = a ? 0 : run + 1;
            best = Math.max(best, run);
        }
        return best;
    }

    private static int count(boolean[] bits) {
        int n = 0;
        for (boolean b : bits) {
            n += b ? 1 : 0;
        }
        return n;
    }

    @Test
    void shouldDescribeItsAddressCountsAndPhase() {
        PageSlab slab = newSlab();
        slab.reserveAlloc(3);
        slab.unreserve(0, 1);
        assertEquals(
                "PageSlab[0x" + Long.toHexString(ADDR) + " age=" + AGE + " active=2 touched=3 longestFree="
                        + (PAGES - 3) + "]",
                slab.toString());
        slab.hugify();
        slab.allocAllowed(false);
        slab.midPurge(true);
        assertTrue(slab.toString().endsWith(" huge midPurge]"), slab.toString());
    }

    @Test
    void shouldBeUpdatingOnlyInsideAnUpdateBracket() {
        PageSlabSet set = new PageSlabSet();
        PageSlab slab = newSlab();
        set.insert(slab);
        assertFalse(slab.updating());
        set.updateBegin(slab);
        assertTrue(slab.updating());
        slab.reserveAlloc(1);
        set.updateEnd(slab);
        assertFalse(slab.updating());
        assertEquals(1, set.nactive());
    }

    @Test
    void shouldSayWhetherAJobIsInFlight() {
        PageSlab slab = new PageSlab(Pages.HUGEPAGE, 0);
        assertFalse(slab.midPurge());
        assertFalse(slab.midHugify());
        slab.midPurge(true);
        assertTrue(slab.midPurge());
        slab.midPurge(false);
        slab.midHugify(true);
        assertTrue(slab.midHugify());
        assertFalse(slab.midPurge());
    }
}
