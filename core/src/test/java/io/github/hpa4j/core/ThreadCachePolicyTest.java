package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The thread-cache policy driven by a cache of counters and a manual clock, as the facade drives it. */
class ThreadCachePolicyTest {
    private static final long MS = 1_000_000L;
    private static final long[] PAGES = {Pages.PAGE, 2 * Pages.PAGE, 4 * Pages.PAGE, 16 * Pages.PAGE};
    private static final ThreadCachePolicy.Options OPTIONS = new ThreadCachePolicy.Options(64, 8, 512 * 1024, 100 * MS);

    /** A cache as the facade keeps one: a stack of item numbers per bin, and what went back. */
    private static final class ModelCache {
        final ThreadCachePolicy policy;
        final Deque<Integer>[] stacks;
        final int[] flush;
        long now = 1_000 * MS;
        long fetched;
        long flushedBack;
        long hits;
        long misses;
        int nextItem;

        @SuppressWarnings("unchecked")
        ModelCache(ThreadCachePolicy.Options options) {
            policy = new ThreadCachePolicy(PAGES, options, now);
            stacks = (Deque<Integer>[]) new Deque<?>[PAGES.length];
            for (int i = 0; i < stacks.length; i++) {
                stacks[i] = new ArrayDeque<>();
            }
            flush = new int[PAGES.length];
        }

        int allocate(int bin) {
            tick();
            if (!stacks[bin].isEmpty()) {
                hits++;
                policy.hit(bin, now);
                return stacks[bin].pop();
            }
            misses++;
            int fill = policy.fillCount(bin, now);
            fetched += fill;
            for (int i = 1; i < fill; i++) {
                stacks[bin].push(nextItem++);
            }
            policy.filled(bin, fill - 1);
            return nextItem++;
        }

        void free(int bin, int item) {
            tick();
            int n = policy.flushBeforeFree(bin);
            if (n < 0) {
                flushedBack++;
                return;
            }
            flushOldest(bin, n);
            for (int victim = policy.overBoundVictim(PAGES[bin]);
                    victim >= 0;
                    victim = policy.overBoundVictim(PAGES[bin])) {
                flushOldest(victim, (stacks[victim].size() + 1) / 2);
            }
            stacks[bin].push(item);
            policy.pushed(bin);
        }

        void tick() {
            if (policy.gc(now, flush)) {
                for (int bin = 0; bin < flush.length; bin++) {
                    flushOldest(bin, flush[bin]);
                }
            }
        }

        void flushOldest(int bin, int n) {
            for (int i = 0; i < n; i++) {
                stacks[bin].removeLast();
            }
            flushedBack += n;
            policy.flushed(bin, n);
        }

        long heldBytes() {
            long sum = 0;
            for (int bin = 0; bin < stacks.length; bin++) {
                sum += stacks[bin].size() * PAGES[bin];
            }
            return sum;
        }

        void assertConsistent() {
            for (int bin = 0; bin < stacks.length; bin++) {
                assertEquals(stacks[bin].size(), policy.ncached(bin), "bin " + bin + " count");
                assertTrue(stacks[bin].size() <= OPTIONS.maxPerBin(), "bin " + bin + " within its bound");
            }
            assertEquals(heldBytes(), policy.bytes());
            assertTrue(policy.bytes() <= OPTIONS.maxBytes(), "within the byte bound: " + policy.bytes());
        }
    }

    @Test
    void aMissFetchesHalfTheBinAndTheExtrasServeTheNextAllocations() {
        ModelCache cache = new ModelCache(OPTIONS);
        cache.allocate(0);
        assertEquals(OPTIONS.initialCapacity() / 2, cache.fetched, "jemalloc's first fill: capacity >> 1");
        for (int i = 1; i < OPTIONS.initialCapacity() / 2; i++) {
            cache.allocate(0);
        }
        assertEquals(1, cache.misses);
        assertEquals(OPTIONS.initialCapacity() / 2 - 1, cache.hits);
        cache.assertConsistent();
    }

    @Test
    void aFullBinFlushesItsOlderHalfBeforeTakingAFree() {
        ModelCache cache = new ModelCache(OPTIONS);
        for (int i = 0; i < OPTIONS.initialCapacity(); i++) {
            cache.free(0, i);
        }
        assertEquals(0, cache.flushedBack);
        cache.free(0, 99);
        assertEquals(OPTIONS.initialCapacity() / 2, cache.flushedBack, "keeps half, then pushes");
        assertEquals(OPTIONS.initialCapacity() / 2 + 1, cache.stacks[0].size());
        assertEquals(99, cache.stacks[0].peek(), "the newest item is on top");
        assertEquals(OPTIONS.initialCapacity() / 2, cache.stacks[0].peekLast(), "the oldest half went");
        cache.assertConsistent();
    }

    @Test
    void aBinThatRunsEmptyAndOverflowsInOneIntervalDoublesItsCapacity() {
        ModelCache cache = new ModelCache(OPTIONS);
        int[] held = new int[OPTIONS.initialCapacity() * 4];
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < held.length; i++) {
                held[i] = cache.allocate(1);
            }
            for (int item : held) {
                cache.free(1, item);
            }
        }
        assertTrue(
                cache.policy.capacity(1) >= held.length,
                "a burst of " + held.length + " grew the bin to " + cache.policy.capacity(1));
        assertTrue(cache.policy.capacity(1) <= OPTIONS.maxPerBin());
        cache.assertConsistent();
    }

    @Test
    void theGcFlushesThreeQuartersOfWhatNoAllocationNeeded() {
        ModelCache cache = new ModelCache(OPTIONS);
        for (int i = 0; i < 8; i++) {
            cache.free(0, i);
        }
        cache.allocate(0); // a hit in this interval: the bin keeps its capacity
        cache.now += 100 * MS;
        cache.tick();
        assertEquals(0, cache.flushedBack, "what came in during an interval is not below its low-water mark");
        cache.allocate(0); // 6 cached, and 6 the least the bin held in this interval
        cache.now += 100 * MS;
        cache.tick();
        assertEquals(6 - (6 >> 2), cache.flushedBack, "3/4 of the low-water mark, rounded up");
        assertEquals(1, cache.stacks[0].size());
        assertEquals(5, cache.stacks[0].peek(), "the newest stays");
        cache.assertConsistent();
    }

    @Test
    void aCacheThatIsNeverHitShrinksToNothingAndThenPassesFreesThrough() {
        ModelCache cache = new ModelCache(OPTIONS);
        int item = 0;
        for (int interval = 0; interval < 10; interval++) {
            for (int i = 0; i < 20; i++) {
                cache.free(interval % 2, item++);
            }
            cache.now += 100 * MS;
            cache.tick();
            cache.assertConsistent();
        }
        assertEquals(0, cache.policy.bytes(), "frees only: nothing stays");
        assertEquals(0, cache.policy.capacity(0));
        assertEquals(-1, cache.policy.flushBeforeFree(0), "capacity 0: the free goes straight back");
        cache.allocate(0);
        assertEquals(1, cache.policy.capacity(0), "a miss is demand: the bin opens again");
    }

    @Test
    void anUnusedBinIsEmptiedWithinLog2OfItsCapacityIntervals() {
        ModelCache cache = new ModelCache(OPTIONS);
        int a = cache.allocate(2);
        int b = cache.allocate(2);
        cache.free(2, a);
        cache.free(2, b);
        assertEquals(4, cache.stacks[2].size());
        int intervals = 0;
        while (!cache.stacks[2].isEmpty()) {
            cache.now += 100 * MS;
            cache.allocate(0); // the cache is in use; bin 2 is not
            intervals++;
        }
        assertTrue(
                intervals >= 2 && intervals <= Integer.numberOfTrailingZeros(OPTIONS.initialCapacity()) + 1,
                "emptied after " + intervals + " intervals: the low-water GC, then halving capacity 8 to 0");
        while (cache.policy.capacity(2) > 0) {
            cache.now += 100 * MS;
            cache.allocate(0);
            intervals++;
        }
        assertEquals(
                Integer.numberOfTrailingZeros(OPTIONS.initialCapacity()) + 2,
                intervals,
                "one interval with its hit, then four halvings");
        cache.assertConsistent();
    }

    @Test
    void aSteadyWorkingSetKeepsOnlyASmallSurplusCached() {
        ModelCache cache = new ModelCache(OPTIONS);
        Random random = new Random(7);
        int[] bins = new int[32];
        int[] items = new int[32];
        for (int i = 0; i < items.length; i++) {
            bins[i] = random.nextInt(PAGES.length);
            items[i] = cache.allocate(bins[i]);
        }
        for (int step = 0; step < 20_000; step++) {
            cache.now += MS / 20; // 20 000 steps over one second
            int slot = random.nextInt(items.length);
            cache.free(bins[slot], items[slot]);
            items[slot] = cache.allocate(bins[slot]);
        }
        cache.assertConsistent();
        long live = 0;
        for (int bin : bins) {
            live += PAGES[bin];
        }
        assertTrue(cache.policy.bytes() < live / 2, "cached " + cache.policy.bytes() + " beside " + live + " live");
        assertTrue(cache.hits > 0.95 * (cache.hits + cache.misses), "hits " + cache.hits + ", misses " + cache.misses);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomUseKeepsTheCountsAndTheBoundsExact(long seed) {
        ModelCache cache = new ModelCache(OPTIONS);
        Random random = new Random(seed);
        Deque<int[]> live = new ArrayDeque<>();
        for (int step = 0; step < 50_000; step++) {
            cache.now += random.nextInt(3) * MS;
            if (live.isEmpty() || random.nextInt(100) < 50) {
                int bin = random.nextInt(PAGES.length);
                live.push(new int[] {bin, cache.allocate(bin)});
            } else {
                int[] entry = random.nextBoolean() ? live.pop() : live.removeLast();
                cache.free(entry[0], entry[1]);
            }
            if (step % 997 == 0) {
                cache.assertConsistent();
            }
        }
        cache.assertConsistent();
        long cached = cache.heldBytes() / Pages.PAGE;
        assertEquals(
                cache.fetched,
                cache.flushedBack + live.size() + cacheItems(cache),
                "every item fetched is live, cached or given back (" + cached + " cached pages)");
    }

    private static long cacheItems(ModelCache cache) {
        long n = 0;
        for (Deque<Integer> stack : cache.stacks) {
            n += stack.size();
        }
        return n;
    }

    @Test
    void aFreeLargerThanTheWholeBoundIsNeverCached() {
        ThreadCachePolicy policy =
                new ThreadCachePolicy(PAGES, new ThreadCachePolicy.Options(8, 4, 8 * Pages.PAGE, 100 * MS), 0);
        assertEquals(-1, policy.flushBeforeFree(3), "64 KiB against a 32 KiB bound");
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ThreadCachePolicy.Options(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ThreadCachePolicy.Options(4, 5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ThreadCachePolicy.Options(4, 4, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ThreadCachePolicy.Options(4, 4, 1, 0));
    }

    @Test
    void aMissFetchesNoMoreThanTheByteBoundHoldsBesidesTheCallersItem() {
        ThreadCachePolicy policy =
                new ThreadCachePolicy(PAGES, new ThreadCachePolicy.Options(64, 64, 10 * Pages.PAGE, 100 * MS), 0);
        assertEquals(4, policy.bins());
        assertEquals(11, policy.fillCount(0, 0), "ten to cache, one for the caller, not half of 64");
        policy.filled(0, 10);
        assertEquals(10L * Pages.PAGE, policy.bytes());
        assertEquals(1, policy.fillCount(0, 0), "a full cache still serves the caller");
        assertEquals(1, policy.flushBeforeFree(0), "one item out for the freed one to fit the bound");
    }

    @Test
    void theBinHoldingTheMostBytesIsTheVictimWhenTheCacheIsOverItsBound() {
        ThreadCachePolicy policy =
                new ThreadCachePolicy(PAGES, new ThreadCachePolicy.Options(64, 64, 12 * Pages.PAGE, 100 * MS), 0);
        policy.filled(0, 3); // 3 pages
        policy.filled(1, 2); // 4 pages
        policy.filled(2, 1); // 4 pages
        assertEquals(-1, policy.overBoundVictim(Pages.PAGE), "exactly at the bound is within it");
        assertEquals(1, policy.overBoundVictim(2 * Pages.PAGE), "the first of the two bins holding the most");
        policy.flushed(1, 2);
        assertEquals(2, policy.overBoundVictim(6 * Pages.PAGE), "then the bin of the one four-page item");
    }

    @Test
    void theFillHalvesAfterAnIntervalThatFetchedMoreThanItUsedAndDoublesAfterARefill() {
        ThreadCachePolicy policy =
                new ThreadCachePolicy(PAGES, new ThreadCachePolicy.Options(64, 64, 1L << 30, 100 * MS), 0);
        int[] flush = new int[PAGES.length];
        assertEquals(32, policy.fillCount(0, 0));
        policy.filled(0, 31);
        assertFalse(policy.gc(100 * MS, flush), "everything was fetched this interval: nothing lay unused");
        policy.hit(0, 150 * MS);
        assertTrue(policy.gc(200 * MS, flush));
        assertEquals(30 - 30 / 4, flush[0], "three quarters of the 30 no allocation needed");
        policy.flushed(0, flush[0]);
        for (int i = policy.ncached(0); i > 0; i--) {
            policy.hit(0, 250 * MS);
        }
        assertEquals(16, policy.fillCount(0, 250 * MS), "the fill halved");
        policy.filled(0, 15);
        for (int i = policy.ncached(0); i > 0; i--) {
            policy.hit(0, 280 * MS);
        }
        assertFalse(policy.gc(300 * MS, flush));
        assertEquals(32, policy.fillCount(0, 300 * MS), "it ran empty and was refilled: the fill doubles again");
        assertEquals(64, policy.capacity(0), "a bin that was hit keeps its capacity");
    }

    @Test
    void aBinWithoutAHitHalvesItsCapacityAndFlushesWhatNoLongerFits() {
        ThreadCachePolicy policy =
                new ThreadCachePolicy(PAGES, new ThreadCachePolicy.Options(64, 64, 1L << 30, 100 * MS), 0);
        int[] flush = new int[PAGES.length];
        policy.filled(1, 40);
        assertTrue(policy.gc(100 * MS, flush));
        assertEquals(32, policy.capacity(1));
        assertEquals(8, flush[1], "40 cached, room for 32");
        policy.flushed(1, 8);
        policy.emptied();
        assertEquals(0, policy.bytes());
        assertEquals(0, policy.ncached(1));
        assertFalse(policy.gc(200 * MS, flush), "an emptied cache has nothing to flush");
    }

    @Test
    void anItemOfExactlyTheByteBoundIsCached() {
        ThreadCachePolicy policy =
                new ThreadCachePolicy(PAGES, new ThreadCachePolicy.Options(8, 4, 4 * Pages.PAGE, 100 * MS), 0);
        assertEquals(0, policy.flushBeforeFree(2), "16 KiB against a 16 KiB bound: it fits an empty cache");
        policy.pushed(2);
        assertEquals(1, policy.flushBeforeFree(2), "a second one fits only once the first is flushed");
    }

    @Test
    void aFullBinAtTheByteBoundFlushesOnlyItsOlderHalf() {
        ThreadCachePolicy policy =
                new ThreadCachePolicy(PAGES, new ThreadCachePolicy.Options(8, 8, 8 * Pages.PAGE, 100 * MS), 0);
        policy.filled(0, 8);
        assertEquals(8L * Pages.PAGE, policy.bytes());
        // Flushing half the bin already makes room for the freed item under the byte bound too.
        assertEquals(4, policy.flushBeforeFree(0));
    }

    @Test
    void theFillDivisorStopsAtOneItemAndAtHalfTheBin() {
        ThreadCachePolicy policy =
                new ThreadCachePolicy(PAGES, new ThreadCachePolicy.Options(4, 4, 1L << 30, 100 * MS), 0);
        int[] flush = new int[PAGES.length];
        assertEquals(2, policy.fillCount(0, 0), "half of capacity 4");
        policy.filled(0, 1);
        assertEquals(0, policy.flushBeforeFree(0));
        policy.pushed(0);
        assertFalse(policy.gc(100 * MS, flush), "everything came in this interval");
        policy.hit(0, 150 * MS);
        assertTrue(policy.gc(200 * MS, flush), "one item lay unused for a whole interval");
        assertEquals(1, flush[0]);
        policy.flushed(0, 1);
        assertEquals(1, policy.fillCount(0, 200 * MS), "the fill halved to capacity >> 2, one item");

        // Run empty, refill, and overflow the bin while it is already at maxPerBin: it cannot grow.
        policy.filled(0, 0);
        for (int i = 0; i < 4; i++) {
            assertEquals(0, policy.flushBeforeFree(0));
            policy.pushed(0);
        }
        assertEquals(2, policy.flushBeforeFree(0), "full at maxPerBin: keep half");
        assertEquals(4, policy.capacity(0));
        policy.flushed(0, 2);
        policy.pushed(0);
        for (int i = policy.ncached(0); i > 0; i--) {
            policy.hit(0, 250 * MS);
        }
        assertFalse(policy.gc(300 * MS, flush));
        assertEquals(2, policy.fillCount(0, 300 * MS), "it was refilled in the interval: the fill doubles back");

        policy.filled(0, 1);
        policy.hit(0, 350 * MS);
        assertFalse(policy.gc(400 * MS, flush));
        assertEquals(2, policy.fillCount(0, 400 * MS), "refilled again, but a fill never exceeds half the bin");
    }

    @Test
    void theLowWaterMarkAfterAGcIsWhatTheFlushLeaves() {
        ThreadCachePolicy policy =
                new ThreadCachePolicy(PAGES, new ThreadCachePolicy.Options(64, 64, 1L << 30, 100 * MS), 0);
        int[] flush = new int[PAGES.length];
        policy.filled(0, 8);
        policy.hit(0, 50 * MS);
        assertFalse(policy.gc(100 * MS, flush), "the first interval's mark starts at zero");
        policy.hit(0, 150 * MS);
        assertTrue(policy.gc(200 * MS, flush));
        assertEquals(6 - (6 >> 2), flush[0]);
        policy.flushed(0, flush[0]);
        assertEquals(1, policy.ncached(0));
        // No hit this interval: the one item left lay unused, and the bin halves to 32.
        assertTrue(policy.gc(300 * MS, flush));
        assertEquals(1, flush[0], "only the item that is there");
    }

    @Test
    void theFillDivisorGrowsOnlyWhileAFillStaysAtLeastOneItem() {
        ThreadCachePolicy policy =
                new ThreadCachePolicy(PAGES, new ThreadCachePolicy.Options(4, 4, 1L << 30, 100 * MS), 0);
        int[] flush = new int[PAGES.length];
        policy.filled(0, 4);
        long now = 0;
        // Intervals with a hit and items left unused: the divisor would grow, but stops at capacity >> 2.
        for (int interval = 0; interval < 4; interval++) {
            policy.hit(0, now + MS);
            policy.filled(0, 1);
            now += 100 * MS;
            policy.gc(now, flush);
            policy.flushed(0, flush[0]);
            policy.filled(0, flush[0]);
        }
        for (int i = policy.ncached(0); i > 0; i--) {
            policy.hit(0, now + MS);
        }
        assertEquals(1, policy.fillCount(0, now + MS), "capacity >> 2");
        policy.filled(0, 0);
        now += 100 * MS;
        assertFalse(policy.gc(now, flush));
        assertEquals(2, policy.fillCount(0, now + MS), "one refill brings it back to half the bin");
    }

    @Test
    void optionsAcceptTheSmallestBoundsAndNameWhatTheyRefuse() {
        ThreadCachePolicy.Options smallest = new ThreadCachePolicy.Options(1, 1, 0, 1);
        assertEquals(1, smallest.maxPerBin());
        assertEquals(
                "maxPerBin must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new ThreadCachePolicy.Options(0, 1, 1, 1))
                        .getMessage());
        assertEquals(
                "initialCapacity must be in [1, maxPerBin], got 0",
                assertThrows(IllegalArgumentException.class, () -> new ThreadCachePolicy.Options(4, 0, 1, 1))
                        .getMessage());
    }
}
