package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HugeCacheTest {
    private final RecordingHooks hooks = new RecordingHooks();
    private final ManualClock clock = new ManualClock();
    private final CountingBudget budget = new CountingBudget(100 * Pages.HUGEPAGE_PAGES);
    private final HugeAllocator allocator = new HugeAllocator(hooks, 8);

    private HugeCache cache(long limit) {
        return new HugeCache(allocator, hooks, clock, budget, limit, 1_000);
    }

    @Test
    void shouldServeAFreedRunAgainWithoutMappingOrZeroing() {
        HugeCache cache = cache(10);
        long a = cache.get(3);
        assertTrue(cache.lastFromReleased());
        cache.release(a, 3);
        assertEquals(a, cache.get(3));
        assertFalse(cache.lastFromReleased(), "a cached run holds old data");
        assertEquals(1, cache.hits());
        assertEquals(1, cache.misses());
        assertEquals(1, hooks.count("map"));
        assertEquals(0, hooks.count("purge"));
    }

    @Test
    void shouldPurgeWhatGoesAboveTheLimitAtOnce() {
        HugeCache cache = cache(4);
        long a = cache.get(3);
        long b = cache.get(3);
        cache.release(a, 3);
        cache.release(b, 3);
        assertEquals(4, cache.cachedHugepages());
        assertEquals(1, cache.overflows());
        assertEquals(2 * Pages.HUGEPAGE, hooks.bytes("purge"));
        assertEquals(4L * Pages.HUGEPAGE_PAGES, budget.heldPages());
        assertEquals(4, allocator.freeHugepages(), "two never used, two purged");
    }

    @Test
    void shouldGiveBackWhatStayedIdleForAReleaseInterval() {
        HugeCache cache = cache(10);
        long a = cache.get(2);
        long b = cache.get(2);
        cache.release(a, 2);
        clock.advanceMillis(1_000);
        assertEquals(0, cache.releaseIdle(), "freed during the first interval: not idle for a whole one yet");
        cache.release(b, 2);
        cache.get(2); // b's run (or a's) is used again during the second interval
        clock.advanceMillis(999);
        assertEquals(0, cache.releaseIdle(), "not due yet");
        clock.advanceMillis(1);
        assertEquals(2, cache.releaseIdle(), "two hugepages stayed unused for the whole interval");
        assertEquals(0, cache.cachedHugepages());
        assertEquals(Long.MAX_VALUE, cache.nanosUntilRelease());
    }

    @Test
    void shouldEmptyItselfBeforeTheBudgetRefusesFreshHugepages() {
        HugeCache cache = cache(100);
        long a = cache.get(60);
        cache.release(a, 60);
        long b = cache.get(70); // does not fit the cached run of 60; the budget holds 100
        assertTrue(cache.lastFromReleased());
        assertEquals(0, cache.cachedHugepages());
        assertEquals(70L * Pages.HUGEPAGE_PAGES, budget.heldPages());
        MemoryBudgetExceededException e = assertThrows(MemoryBudgetExceededException.class, () -> cache.get(31));
        assertEquals(100L * Pages.HUGEPAGE, e.limitBytes());
        cache.release(b, 70);
    }

    @Test
    void shouldKeepARunCachedWhenThePurgeFails() {
        HugeCache cache = cache(0);
        long a = cache.get(1);
        hooks.failPurge = true;
        cache.release(a, 1);
        assertEquals(1, cache.cachedHugepages());
        assertEquals(1, cache.failedReleases());
        hooks.failPurge = false;
        assertEquals(1, cache.releaseAll());
        assertEquals(0, budget.heldPages());
    }

    @Test
    void aReleaseThatFillsTheCacheExactlyToItsLimitKeepsEverything() {
        HugeCache cache = cache(4);
        long a = cache.get(4);
        cache.release(a, 4);
        assertEquals(4, cache.cachedHugepages());
        assertEquals(0, cache.overflows(), "at the limit is not above it");
        assertEquals(0, hooks.count("purge"));
        assertEquals(4, cache.limitHugepages());
    }

    @Test
    void aFailedMapGivesTheBudgetBackAndCountsAMiss() {
        HugeCache cache = cache(10);
        hooks.failMap = true;
        assertThrows(EdenExhaustedException.class, () -> cache.get(2));
        assertEquals(0, budget.heldPages(), "nothing was backed");
        assertEquals(1, cache.misses());
        hooks.failMap = false;
        cache.get(2);
        assertEquals(2L * Pages.HUGEPAGE_PAGES, budget.heldPages());
    }

    @Test
    void theNextPassIsDueOneIntervalAfterTheLast() {
        HugeCache cache = cache(10);
        long a = cache.get(1);
        assertEquals(Long.MAX_VALUE, cache.nanosUntilRelease(), "nothing cached, nothing to release");
        cache.release(a, 1);
        clock.advanceMillis(400);
        assertEquals(600 * 1_000_000L, cache.nanosUntilRelease());
        clock.advanceMillis(600);
        assertEquals(0, cache.nanosUntilRelease());
        assertEquals(0, cache.releaseIdle(), "released during this interval: not idle for a whole one");
        assertEquals(1_000 * 1_000_000L, cache.nanosUntilRelease(), "the pass restarted the interval");
        clock.advanceMillis(1_500);
        assertEquals(0, cache.nanosUntilRelease(), "overdue is due now");
        assertEquals(1, cache.releaseIdle());
        assertEquals(1, cache.releasedHugepages());
        assertEquals(0, cache.hits());
    }

    @Test
    void aRefusalNamesTheBudgetWhatItHoldsAndWhatWasAsked() {
        HugeCache cache = cache(100);
        cache.get(70);
        MemoryBudgetExceededException e = assertThrows(MemoryBudgetExceededException.class, () -> cache.get(31));
        assertEquals(
                "memory budget of " + 100 * Pages.HUGEPAGE + " bytes reached: " + 70 * Pages.HUGEPAGE
                        + " bytes held (active or dirty), " + 31 * Pages.HUGEPAGE + " more requested",
                e.getMessage());
    }

    @Test
    void everyReleaseCountsOnlyWhatItGaveBack() {
        HugeCache cache = cache(10);
        long a = cache.get(1);
        long b = cache.get(2);
        long c = cache.get(3);
        cache.release(a, 1);
        assertEquals(1, cache.releaseAll());
        cache.release(b, 2);
        assertEquals(2, cache.releaseAll(), "the second pass counts its own hugepages only");
        cache.release(c, 3);
        clock.advanceMillis(1_000);
        cache.releaseIdle();
        clock.advanceMillis(1_000);
        assertEquals(3, cache.releaseIdle());
        assertEquals(6, cache.releasedHugepages());
    }

    @Test
    void aCacheWithoutAReleaseIntervalGivesBackAtEveryPass() {
        HugeCache cache = new HugeCache(allocator, hooks, clock, budget, 10, 0);
        long a = cache.get(1);
        cache.release(a, 1);
        assertEquals(0, cache.nanosUntilRelease());
        assertEquals(0, cache.releaseIdle(), "released since the last pass");
        assertEquals(1, cache.releaseIdle());
        assertThrows(IllegalArgumentException.class, () -> new HugeCache(allocator, hooks, clock, budget, 10, -1));
        assertThrows(IllegalArgumentException.class, () -> new HugeCache(allocator, hooks, clock, budget, -1, 0));
    }
}
