package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The slab set's mechanism, written from psset.c: which slab each pick returns, and the bin stats.
 * The set never decides policy, so these tests set the slabs' flags by hand, each change inside an
 * update bracket as the shard makes it.
 */
class PageSlabSetTest {
    private static final int PAGES = Pages.HUGEPAGE_PAGES;

    private final PageSlabSet set = new PageSlabSet();
    private long nextAddress = 1;

    private PageSlab newSlab(long age) {
        return new PageSlab(nextAddress++ * Pages.HUGEPAGE, age);
    }

    /** A slab in the set whose only free range is its last {@code freePages} pages. */
    private PageSlab withLongestFree(long age, int freePages) {
        PageSlab slab = newSlab(age);
        if (freePages < PAGES) {
            slab.reserveAlloc(PAGES - freePages);
        }
        set.insert(slab);
        assertEquals(freePages, slab.longestFreeRange());
        return slab;
    }

    private PageSlab emptySlab(long age) {
        return withLongestFree(age, PAGES);
    }

    /** A non-huge slab in the set with {@code active} active and {@code dirty} dirty pages, purgeable. */
    private PageSlab dirty(long age, int active, int dirty) {
        PageSlab slab = newSlab(age);
        slab.reserveAlloc(active + dirty);
        slab.unreserve(active, dirty);
        slab.purgeAllowed(true);
        set.insert(slab);
        return slab;
    }

    /** A huge slab in the set with {@code active} active pages, all the others dirty, purgeable. */
    private PageSlab hugeDirty(long age, int active) {
        PageSlab slab = newSlab(age);
        if (active > 0) {
            slab.reserveAlloc(active);
        }
        slab.hugify();
        slab.purgeAllowed(true);
        set.insert(slab);
        return slab;
    }

    private void update(PageSlab slab, Consumer<PageSlab> change) {
        set.updateBegin(slab);
        change.accept(slab);
        set.updateEnd(slab);
    }

    private static long pages(int n) {
        return (long) n << Pages.LG_PAGE;
    }

    // ---------------------------------------------------------------- pickAlloc

    @Test
    void shouldPickTheOldestSlabInTheSmallestFittingClass() {
        PageSlab young = withLongestFree(5, 100);
        PageSlab old = withLongestFree(3, 100);
        PageSlab oldestButRoomier = withLongestFree(1, 300);
        PageSlab small = withLongestFree(0, 20);

        // 50 pages: the 96-page class (where 100 free pages land) is the smallest that fits.
        assertSame(old, set.pickAlloc(pages(50)), "oldest of the smallest fitting class, not the oldest overall");
        assertSame(small, set.pickAlloc(pages(1)), "the smallest class fits a page");
        assertSame(oldestButRoomier, set.pickAlloc(pages(200)));
        assertNull(set.pickAlloc(pages(400)), "nothing fits and there is no empty slab");

        // Once the old one leaves its class, the young one is the oldest there.
        update(old, s -> s.reserveAlloc(100));
        assertTrue(old.full());
        assertSame(young, set.pickAlloc(pages(50)));
    }

    /** psset files by the class below a range and searches from the class above a request. */
    @Test
    void shouldNotPickASlabWhoseFreeRangeFitsOnlyBeforeQuantization() {
        // 9 free pages file under the 8-page class; a 9-page request starts at the 10-page class.
        PageSlab nine = withLongestFree(0, 9);
        assertNull(set.pickAlloc(pages(9)));
        assertSame(nine, set.pickAlloc(pages(8)));
        PageSlab empty = emptySlab(1);
        assertSame(empty, set.pickAlloc(pages(9)), "an empty slab serves what no class fits");
    }

    @Test
    void shouldPreferANonEmptySlabToAnEmptyOne() {
        PageSlab empty = emptySlab(0);
        PageSlab partial = withLongestFree(9, 256);
        assertSame(partial, set.pickAlloc(pages(4)));
        assertSame(empty, set.pickAlloc(pages(300)));
    }

    @Test
    void shouldFallBackToTheMostRecentlyEmptiedSlab() {
        PageSlab first = emptySlab(0);
        PageSlab second = emptySlab(1);
        assertSame(second, set.pickAlloc(pages(1)), "LIFO: the last empty slab in");
        assertSame(second, set.firstEmpty());

        PageSlab partial = withLongestFree(2, PAGES - 10);
        update(partial, s -> s.unreserve(0, 10));
        assertTrue(partial.empty());
        assertSame(partial, set.pickAlloc(pages(PAGES)), "the most recently emptied slab is likeliest still backed");

        set.remove(partial);
        set.remove(second);
        assertSame(first, set.pickAlloc(pages(PAGES)));
    }

    @Test
    void shouldNeverPickAFullSlab() {
        PageSlab full = withLongestFree(0, 0);
        assertTrue(full.full());
        assertNull(set.pickAlloc(pages(1)));
        update(full, s -> s.unreserve(7, 1));
        assertSame(full, set.pickAlloc(pages(1)), "one free page makes it a candidate again");
    }

    @Test
    void shouldNotPickASlabThatIsNotAllowedToAllocate() {
        PageSlab partial = withLongestFree(0, 100);
        PageSlab empty = emptySlab(1);
        update(partial, s -> s.allocAllowed(false));
        update(empty, s -> s.allocAllowed(false));
        assertNull(set.pickAlloc(pages(1)));
        assertNull(set.firstEmpty());
        update(empty, s -> s.allocAllowed(true));
        assertSame(empty, set.pickAlloc(pages(1)));
        update(partial, s -> s.allocAllowed(true));
        assertSame(partial, set.pickAlloc(pages(1)));
    }

    // ---------------------------------------------------------------- pickPurge

    @Test
    void shouldPurgeEmptyHugeThenEmptyThenByDirtinessWithNonHugeBeforeHuge() {
        PageSlab dirty1 = dirty(0, 5, 1);
        PageSlab huge64 = hugeDirty(1, PAGES - 64);
        PageSlab nonHuge64 = dirty(2, 10, 64);
        PageSlab emptyNonHuge = dirty(3, 0, 10);
        PageSlab nonHuge70 = dirty(4, 10, 70); // same dirtiness class as 64
        PageSlab nonHuge128 = dirty(5, 1, 128);
        PageSlab emptyHuge = hugeDirty(6, 0);
        PageSlab notAllowed = dirty(7, 1, 300);
        update(notAllowed, s -> s.purgeAllowed(false));

        List<PageSlab> order = new ArrayList<>();
        for (PageSlab s = set.pickPurge(); s != null; s = set.pickPurge()) {
            order.add(s);
            set.remove(s);
        }
        assertEquals(List.of(emptyHuge, emptyNonHuge, nonHuge128, nonHuge64, nonHuge70, huge64, dirty1), order);
        assertFalse(order.contains(notAllowed), "a slab not allowed to purge is never picked");
    }

    @Test
    void shouldPurgeLeastRecentlyUpdatedFirstWithinADirtinessClass() {
        PageSlab a = dirty(0, 10, 40);
        PageSlab b = dirty(1, 10, 41);
        PageSlab c = dirty(2, 10, 42);
        assertSame(a, set.pickPurge());
        // Any update re-appends: a goes behind b and c, even though its class is unchanged.
        update(a, s -> s.age(10));
        assertSame(b, set.pickPurge());
        update(b, s -> s.reserveAlloc(1));
        assertSame(c, set.pickPurge());
        update(c, s -> s.purgeAllowed(false));
        assertSame(a, set.pickPurge());
    }

    @Test
    void shouldMoveASlabBetweenPurgeListsAsItsDirtinessChanges() {
        PageSlab fewDirty = dirty(0, 100, 4);
        PageSlab manyDirty = dirty(1, 100, 200);
        assertSame(manyDirty, set.pickPurge());
        update(fewDirty, s -> s.unreserve(0, 100));
        assertSame(fewDirty, set.pickPurge(), "now empty: ahead of every non-empty slab");
    }

    // ---------------------------------------------------------------- pickHugify

    @Test
    void shouldHugifyInTheOrderSlabsBecameCandidatesAcrossUnrelatedUpdates() {
        PageSlab a = withLongestFree(0, 10);
        PageSlab b = withLongestFree(1, 10);
        PageSlab c = withLongestFree(2, 10);
        assertNull(set.pickHugify());
        update(a, s -> s.allowHugify(100));
        update(b, s -> s.allowHugify(200));
        update(c, s -> s.allowHugify(300));
        assertSame(a, set.pickHugify());

        // Updates that leave hugify-allowed alone keep the order.
        update(a, s -> s.reserveAlloc(5));
        update(a, s -> s.age(99));
        update(b, s -> s.unreserve(0, 3));
        assertSame(a, set.pickHugify(), "FIFO survives unrelated updates");

        update(a, PageSlab::disallowHugify);
        assertSame(b, set.pickHugify());
        update(a, s -> s.allowHugify(400));
        assertEquals(List.of(b, c, a), drainHugify(), "a became a candidate again last");
    }

    private List<PageSlab> drainHugify() {
        List<PageSlab> order = new ArrayList<>();
        for (PageSlab s = set.pickHugify(); s != null; s = set.pickHugify()) {
            order.add(s);
            update(s, PageSlab::disallowHugify);
        }
        return order;
    }

    @Test
    void shouldFileAHugifyCandidateOnInsertAndDropItOnRemove() {
        PageSlab a = newSlab(0);
        a.reserveAlloc(PAGES);
        a.allowHugify(1);
        set.insert(a);
        assertTrue(a.inSetHugifyContainer());
        assertSame(a, set.pickHugify());
        set.remove(a);
        assertFalse(a.inSetHugifyContainer());
        assertNull(set.pickHugify());
        assertNull(set.pickAlloc(pages(1)));
        assertEquals(0, set.npageslabs());
    }

    @Test
    void shouldPickACandidateThatMayGoAtOnceBeforeOnesWaitingTheDelay() {
        PageSlab a = newSlab(0);
        PageSlab b = newSlab(1);
        PageSlab c = newSlab(2);
        for (PageSlab s : List.of(a, b, c)) {
            set.insert(s);
        }
        update(a, s -> s.allowHugify(100));
        update(b, s -> s.allowHugify(200, true));
        update(c, s -> s.allowHugify(300, true));
        assertSame(b, set.pickHugify(), "an at-once candidate does not queue behind a waiting one");
        // Removal finds each slab in its own list, whichever list it is on.
        update(b, PageSlab::disallowHugify);
        assertFalse(b.hugifyAtOnce());
        assertEquals(List.of(c, a), drainHugify(), "at-once candidates first, each list FIFO");
        update(a, s -> s.allowHugify(400, true));
        set.remove(a);
        assertNull(set.pickHugify(), "a removed at-once candidate leaves its list");
    }

    // ---------------------------------------------------------------- stats

    @Test
    void shouldFileStatsIntoFullEmptyAndNonFullBinsByHugeness() {
        PageSlab full = withLongestFree(0, 0);
        PageSlab partial = dirty(1, 100, 20); // longest free 412 pages (dirty pages are free)
        PageSlab empty = emptySlab(2);
        PageSlab hugePartial = hugeDirty(3, 500); // longest free 12 pages

        PageSlabSetStats stats = set.stats();
        assertEquals(new BinStats(1, PAGES, 0), stats.full(false));
        assertEquals(new BinStats(1, 0, 0), stats.empty(false));
        int pind412 = PageSizeClasses.psz2ind(PageSizeClasses.quantizeFloor(pages(412)));
        assertEquals(pages(384), PageSizeClasses.pind2sz(pind412), "412 pages file under the 384-page class");
        assertEquals(new BinStats(1, 100, 20), stats.nonfull(pind412, false));
        int pind12 = PageSizeClasses.psz2ind(pages(12));
        assertEquals(new BinStats(1, 500, 12), stats.nonfull(pind12, true));
        assertEquals(new BinStats(4, PAGES + 600, 32), stats.merged());
        assertEquals(new BinStats(1, 500, 12), stats.byHuge(true));
        assertEquals(new BinStats(3, PAGES + 100, 20), stats.byHuge(false));
        assertEquals(4, set.npageslabs());
        assertEquals(PAGES + 600, set.nactive());
        assertEquals(32, set.ndirty());

        // An update moves the slab's contribution from one bin to another.
        update(full, s -> s.unreserve(0, PAGES));
        assertEquals(new BinStats(), stats.full(false));
        assertEquals(new BinStats(2, 0, PAGES), stats.empty(false));
        set.remove(partial);
        set.remove(empty);
        set.remove(hugePartial);
        set.remove(full);
        assertEquals(new BinStats(), stats.merged());
        assertEquals(0, set.npageslabs() + set.nactive() + set.ndirty());
    }

    @Test
    void shouldCopyAccumulateAndCompareStats() {
        dirty(0, 100, 20);
        hugeDirty(1, 0);
        PageSlabSetStats snapshot = set.stats().copy();
        assertEquals(set.stats(), snapshot);
        assertEquals(set.stats().hashCode(), snapshot.hashCode());
        assertEquals(new PageSlabSetStats(), new PageSlabSetStats());

        PageSlab more = withLongestFree(2, 0);
        assertNotEquals(set.stats(), snapshot, "a copy does not follow the live stats");
        assertEquals(new BinStats(2, 100, PAGES + 20), snapshot.merged());

        PageSlabSetStats doubled = snapshot.copy();
        doubled.accumulate(snapshot);
        assertEquals(new BinStats(4, 200, 2 * (PAGES + 20)), doubled.merged());
        assertEquals(new BinStats(2, 0, 2 * PAGES), doubled.empty(true));
        assertNotEquals(snapshot, doubled);
        assertFalse(snapshot.equals(null));
        assertFalse(snapshot.equals("stats"));

        PageSlabSetStats sum = new PageSlabSetStats();
        sum.accumulate(snapshot);
        sum.accumulate(snapshot);
        assertEquals(doubled, sum);
        set.remove(more);
        assertEquals(snapshot, set.stats());
    }

    // ---------------------------------------------------------------- model

    /**
     * Random updates, inserts and removes over a few dozen slabs, against a brute-force model: every
     * bin and total recomputed from the slabs, and each pick recomputed from psset.c's rules with
     * explicit order stamps for the lists.
     */
    @Test
    void shouldAgreeWithBruteForceAfterRandomOperations() {
        // A fixed seed, so a failure reproduces; printed in every assertion message.
        final long seed = 0xC0FFEE_5E7L;
        Model model = new Model(seed);
        for (int step = 0; step < 20_000; step++) {
            model.step();
            model.check(step);
        }
    }

    /** Page size class helpers computed by scanning the class table, independent of quantize*. */
    private static int floorClass(int npages) {
        int best = -1;
        for (int pind = 0; pind < PageSizeClasses.NPSIZES; pind++) {
            if (PageSizeClasses.pind2sz(pind) <= pages(npages)) {
                best = pind;
            }
        }
        return best;
    }

    private static int ceilClass(int npages) {
        for (int pind = 0; pind < PageSizeClasses.NPSIZES; pind++) {
            if (PageSizeClasses.pind2sz(pind) >= pages(npages)) {
                return pind;
            }
        }
        throw new AssertionError();
    }

    private final class Model {
        private final long seed;
        private final Random random;
        private final List<PageSlab> inSet = new ArrayList<>();
        private final List<PageSlab> outside = new ArrayList<>();
        private final Map<PageSlab, List<int[]>> extents = new HashMap<>();
        private final Map<PageSlab, Long> emptyStamp = new HashMap<>();
        private final Map<PageSlab, Long> purgeStamp = new HashMap<>();
        private final Map<PageSlab, Long> hugifyStamp = new HashMap<>();
        private long stamp;
        private long age;

        Model(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            for (int i = 0; i < 24; i++) {
                insert(freshSlab());
            }
        }

        private PageSlab freshSlab() {
            PageSlab slab = newSlab(age++);
            extents.put(slab, new ArrayList<>());
            return slab;
        }

        /* What insert and updateEnd do to each list, as order stamps. */
        private void filed(PageSlab slab) {
            stamp++;
            if (slab.allocAllowed() && slab.empty()) {
                emptyStamp.put(slab, stamp); // prepended
            }
            if (slab.purgeAllowed()) {
                purgeStamp.put(slab, stamp); // appended
            }
            if (!slab.hugifyAllowed()) {
                hugifyStamp.remove(slab);
            } else if (!hugifyStamp.containsKey(slab)) {
                hugifyStamp.put(slab, stamp); // appended only when it became a candidate
            }
        }

        private void insert(PageSlab slab) {
            set.insert(slab);
            inSet.add(slab);
            filed(slab);
        }

        private void remove(PageSlab slab) {
            set.remove(slab);
            inSet.remove(slab);
            emptyStamp.remove(slab);
            purgeStamp.remove(slab);
            hugifyStamp.remove(slab);
            outside.add(slab);
        }

        void step() {
            int op = random.nextInt(100);
            if (op < 2 && inSet.size() > 4) {
                remove(inSet.get(random.nextInt(inSet.size())));
            } else if (op < 4 && !outside.isEmpty()) {
                PageSlab slab = outside.remove(random.nextInt(outside.size()));
                insert(slab);
            } else if (op < 5 && inSet.size() < 40) {
                insert(freshSlab());
            } else {
                PageSlab slab = inSet.get(random.nextInt(inSet.size()));
                set.updateBegin(slab);
                int changes = 1 + random.nextInt(3);
                for (int i = 0; i < changes; i++) {
                    mutate(slab);
                }
                /*
                 * The hugify flag changes last, as the shard's eligibility update does: like
                 * hpdata_consistent, inconsistency() pairs it with the container flag, which only
                 * updateEnd fixes, so a mutator called after it would trip the checks.
                 */
                switch (random.nextInt(6)) {
                    case 0 -> slab.allowHugify(stamp);
                    case 1 -> slab.disallowHugify();
                    default -> {}
                }
                // Mechanism precondition: only a slab with dirty pages may be purgeable.
                if (slab.ndirty() == 0) {
                    slab.purgeAllowed(false);
                }
                set.updateEnd(slab);
                filed(slab);
            }
        }

        private void mutate(PageSlab slab) {
            List<int[]> live = extents.get(slab);
            switch (random.nextInt(10)) {
                case 0, 1, 2 -> {
                    if (slab.allocAllowed() && slab.longestFreeRange() > 0) {
                        int max = slab.longestFreeRange();
                        int n = random.nextBoolean() ? 1 + random.nextInt(max) : 1 + random.nextInt(Math.min(16, max));
                        live.add(new int[] {slab.reserveAlloc(n), n});
                    }
                }
                case 3, 4 -> {
                    if (!live.isEmpty()) {
                        int[] e = live.remove(random.nextInt(live.size()));
                        slab.unreserve(e[0], e[1]);
                    }
                }
                case 5 -> {
                    if (slab.huge()) {
                        slab.dehugify();
                    } else {
                        slab.hugify();
                    }
                }
                case 6 -> {
                    // A whole purge, as the shard brackets it (dehugify first, allocation off).
                    boolean allowAfter = slab.allocAllowed();
                    slab.allocAllowed(false);
                    if (slab.huge()) {
                        slab.dehugify();
                    }
                    PurgeState state = new PurgeState();
                    slab.purgeBegin(state);
                    while (slab.purgeNext(state) != BitRange.NONE) {
                        // Each range would go to the OS here.
                    }
                    slab.purgeEnd(state);
                    slab.allocAllowed(allowAfter);
                }
                case 7 -> slab.allocAllowed(!slab.allocAllowed());
                case 8 -> slab.purgeAllowed(slab.ndirty() > 0 && random.nextInt(4) != 0);
                default -> slab.age(age++);
            }
        }

        void check(int step) {
            String where = "seed " + seed + " step " + step;
            checkStats(where);
            assertSame(expectedPurge(), set.pickPurge(), where + ": pickPurge");
            assertSame(expectedHugify(), set.pickHugify(), where + ": pickHugify");
            assertSame(expectedEmpty(), set.firstEmpty(), where + ": first empty");
            int[] sizes = {1, 1 + random.nextInt(16), 1 + random.nextInt(PAGES), PAGES};
            for (int npages : sizes) {
                assertSame(expectedAlloc(npages), set.pickAlloc(pages(npages)), where + ": pickAlloc " + npages);
            }
        }

        private void checkStats(String where) {
            long[][][] nonfull = new long[PageSizeClasses.NPSIZES][2][3];
            long[][] full = new long[2][3];
            long[][] empty = new long[2][3];
            long[] total = new long[3];
            for (PageSlab s : inSet) {
                int h = s.huge() ? 1 : 0;
                long[] bin = s.empty() ? empty[h] : s.full() ? full[h] : nonfull[floorClass(s.longestFreeRange())][h];
                for (long[] b : new long[][] {bin, total}) {
                    b[0]++;
                    b[1] += s.nactive();
                    b[2] += s.ndirty();
                }
            }
            PageSlabSetStats stats = set.stats();
            for (int h = 0; h <= 1; h++) {
                boolean huge = h == 1;
                assertEquals(bin(full[h]), stats.full(huge), where + ": full huge=" + huge);
                assertEquals(bin(empty[h]), stats.empty(huge), where + ": empty huge=" + huge);
                for (int pind = 0; pind < PageSizeClasses.NPSIZES; pind++) {
                    assertEquals(
                            bin(nonfull[pind][h]),
                            stats.nonfull(pind, huge),
                            where + ": nonfull[" + pind + "] huge=" + huge);
                }
            }
            assertEquals(bin(total), stats.merged(), where);
            BinStats sum = stats.byHuge(false).copy();
            sum.accumulate(stats.byHuge(true));
            assertEquals(bin(total), sum, where + ": huge plus non-huge");
            assertEquals(total[0], set.npageslabs(), where);
            assertEquals(total[1], set.nactive(), where);
            assertEquals(total[2], set.ndirty(), where);
        }

        private BinStats bin(long[] b) {
            return new BinStats(b[0], b[1], b[2]);
        }

        private PageSlab expectedAlloc(int npages) {
            int minClass = ceilClass(npages);
            PageSlab best = null;
            int bestClass = Integer.MAX_VALUE;
            for (PageSlab s : inSet) {
                if (!s.allocAllowed() || s.empty() || s.full()) {
                    continue;
                }
                int c = floorClass(s.longestFreeRange());
                if (c < minClass) {
                    continue;
                }
                if (c < bestClass || (c == bestClass && s.age() < best.age())) {
                    best = s;
                    bestClass = c;
                }
            }
            return best != null ? best : expectedEmpty();
        }

        private PageSlab expectedEmpty() {
            PageSlab best = null;
            for (PageSlab s : inSet) {
                if (s.allocAllowed() && s.empty() && (best == null || emptyStamp.get(s) > emptyStamp.get(best))) {
                    best = s;
                }
            }
            return best;
        }

        private PageSlab expectedPurge() {
            PageSlab best = null;
            int bestIndex = -1;
            for (PageSlab s : inSet) {
                if (!s.purgeAllowed()) {
                    continue;
                }
                int index = s.empty() ? (s.huge() ? 127 : 126) : 2 * floorClass(s.ndirty()) + (s.huge() ? 0 : 1);
                if (index > bestIndex || (index == bestIndex && purgeStamp.get(s) < purgeStamp.get(best))) {
                    best = s;
                    bestIndex = index;
                }
            }
            return best;
        }

        private PageSlab expectedHugify() {
            PageSlab best = null;
            for (Map.Entry<PageSlab, Long> e : hugifyStamp.entrySet()) {
                if (best == null || e.getValue() < hugifyStamp.get(best)) {
                    best = e.getKey();
                }
            }
            return best;
        }
    }

    @Test
    void shouldPurgeAHugeSlabWithOneDirtyPageFromTheLowestList() {
        PageSlab slab = hugeDirty(0, PAGES - 1);
        assertEquals(0, PageSlabSet.purgeListIndex(slab), "the least dirty class, huge");
        assertSame(slab, set.pickPurge());
    }
}
