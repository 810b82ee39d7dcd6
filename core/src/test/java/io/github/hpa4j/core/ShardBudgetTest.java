package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The memory budget in the shard: an allocation takes the pages it touches for the first time, a
 * purge gives back what it returns to the OS, a hugify takes the retained pages it backs. What the
 * budget holds is always the pages the shard's slabs have touched, and never more than its limit.
 */
class ShardBudgetTest {
    private final ManualClock clock = new ManualClock();
    private final RecordingHooks hooks = new RecordingHooks();
    private final Eden eden = new Eden(hooks);

    private Shard shard(CountingBudget budget, ShardOptions options) {
        return new Shard(0, options, hooks, clock, null, Integer.MAX_VALUE, budget, JobSlots.UNLIMITED);
    }

    /* Freed pages stay dirty and held, so the budget sees only what the shard touches. */
    private Shard neverPurging(CountingBudget budget) {
        return shard(budget, ShardOptions.DEFAULTS.withDirtyMult(FixedPoint.UNLIMITED));
    }

    private static long touched(Shard shard) {
        long n = 0;
        for (PageSlab ps : shard.slabs()) {
            n += ps.ntouched();
        }
        return n;
    }

    private List<Extent> alloc(Shard shard, long bytes, int count) {
        List<Extent> out = new ArrayList<>();
        shard.allocBatch(bytes, count, eden, out);
        return out;
    }

    @Test
    void shouldRefuseAnAllocationThatWouldTouchMoreThanTheBudgetAndChangeNothing() {
        CountingBudget budget = new CountingBudget(100);
        Shard shard = neverPurging(budget);
        List<Extent> held = alloc(shard, 10 * Pages.PAGE, 9);
        assertEquals(90, budget.heldPages());
        ShardStats before = shard.stats();
        List<Extent> out = new ArrayList<>();
        MemoryBudgetExceededException refused =
                assertThrows(MemoryBudgetExceededException.class, () -> shard.allocBatch(4 * Pages.PAGE, 3, eden, out));
        assertTrue(out.isEmpty(), "the two extents that fitted are not handed out");
        assertTrue(
                refused.getMessage().endsWith(", " + 4 * Pages.PAGE + " more requested"),
                "the one extent that did not fit: " + refused.getMessage());
        assertEquals(100 * Pages.PAGE, refused.limitBytes());
        assertEquals(90 + 8, budget.heldPages(), "the two extents that fitted were touched, then freed: dirty, held");
        assertEquals(98 * Pages.PAGE, refused.heldBytes(), "the error says what is held");
        assertTrue(refused.getMessage().contains("memory budget of 409600 bytes reached"), refused.getMessage());
        assertEquals(before.liveExtents(), shard.stats().liveExtents(), "no extent of the refused batch stays live");
        assertEquals(touched(shard), budget.heldPages());
        assertNull(shard.inconsistency());
        shard.freeBatch(held);
    }

    @Test
    void shouldServeFromDirtyPagesWithoutTakingMore() {
        CountingBudget budget = new CountingBudget(64);
        Shard shard = neverPurging(budget);
        List<Extent> first = alloc(shard, 16 * Pages.PAGE, 4);
        assertThrows(MemoryBudgetExceededException.class, () -> alloc(shard, Pages.PAGE, 1));
        shard.freeBatch(first);
        List<Extent> again = alloc(shard, 16 * Pages.PAGE, 4);
        assertEquals(first, again, "the dirty pages are reused");
        assertEquals(64, budget.heldPages());
    }

    @Test
    void shouldGiveBackWhatAPurgeReturnsAndPurgeEveryDirtyPageUnderPressure() {
        CountingBudget budget = new CountingBudget(64);
        // The dirty limit (25 % of active) would keep 4 of these pages dirty; pressure purges them all.
        Shard shard = shard(budget, ShardOptions.DEFAULTS);
        List<Extent> kept = alloc(shard, 16 * Pages.PAGE, 1);
        shard.freeBatch(alloc(shard, 16 * Pages.PAGE, 3));
        assertEquals(64, budget.heldPages(), "freed pages stay held while dirty");
        assertThrows(
                MemoryBudgetExceededException.class,
                () -> alloc(shard, 16 * Pages.PAGE, 4),
                "three reuse dirty pages, the fourth needs 16 fresh ones");
        assertTrue(budget.underPressure());
        shard.doDeferredWork();
        assertEquals(16, budget.heldPages(), "under pressure every dirty page went back");
        assertEquals(0, shard.ndirty());
        assertEquals(3, alloc(shard, 16 * Pages.PAGE, 3).size(), "and allocation resumes");
        shard.freeBatch(kept);
    }

    @Test
    void shouldTakeTheRetainedPagesAHugifyBacksAndSkipItWhenTheyDoNotFit() {
        CountingBudget tight = new CountingBudget(Pages.HUGEPAGE_PAGES - 1);
        ShardOptions options = ShardOptions.DEFAULTS.withHugifyDelayMs(0);
        Shard shard = shard(tight, options);
        alloc(shard, 16 * Pages.PAGE, 31); // 496 of 512 pages: above the 95 % threshold
        shard.doDeferredWork();
        assertEquals(0, shard.stats().counters().nhugifies(), "a hugepage would take the budget past its limit");
        assertEquals(496, tight.heldPages());

        CountingBudget roomy = new CountingBudget(Pages.HUGEPAGE_PAGES);
        Shard other = shard(roomy, options);
        alloc(other, 16 * Pages.PAGE, 31);
        other.doDeferredWork();
        assertEquals(1, other.stats().counters().nhugifies());
        assertEquals(Pages.HUGEPAGE_PAGES, roomy.heldPages(), "a huge slab is resident in full");
        assertEquals(touched(other), roomy.heldPages());
    }

    @Test
    void shouldReleaseEmptyPurgedSlabsToEdenForAnotherShardToReuse() {
        CountingBudget budget = new CountingBudget(4 * Pages.HUGEPAGE_PAGES);
        Shard first =
                new Shard(0, ShardOptions.DEFAULTS, hooks, clock, null, Integer.MAX_VALUE, budget, JobSlots.UNLIMITED);
        Shard second =
                new Shard(1, ShardOptions.DEFAULTS, hooks, clock, null, Integer.MAX_VALUE, budget, JobSlots.UNLIMITED);
        List<Extent> kept = alloc(first, 64 * 1024, 32); // one full slab stays
        first.freeBatch(alloc(first, 64 * 1024, 64)); // two more slabs, emptied
        assertEquals(3, first.nslabs());
        assertTrue(first.releaseEmptySlabs().isEmpty(), "nothing is released without pressure");
        assertThrows(MemoryBudgetExceededException.class, () -> alloc(second, 64 * 1024, 64));
        assertTrue(first.releaseEmptySlabs().isEmpty(), "under pressure too, dirty slabs stay");
        first.doDeferredWork(); // under pressure: every dirty page purged
        List<PageSlab> released = first.releaseEmptySlabs();
        assertEquals(2, released.size());
        assertEquals(1, first.nslabs(), "the slab in use stays");
        assertNull(first.inconsistency());
        long mapped = eden.mappedBytes();
        for (PageSlab ps : released) {
            eden.giveBack(ps);
        }
        List<Extent> reused = alloc(second, 64 * 1024, 64);
        assertEquals(mapped, eden.mappedBytes(), "the second shard grew into the released slabs, mapping nothing");
        // The second shard kept the slab it grew before it was refused; its other slab is a released one.
        assertTrue(
                second.slabs().stream()
                        .anyMatch(mine -> released.stream().anyMatch(ps -> ps.address() == mine.address())),
                "a released slab now serves the second shard");
        assertEquals(touched(first) + touched(second), budget.heldPages());
        first.freeBatch(kept);
        second.freeBatch(reused);
    }

    @Test
    void shouldHoldExactlyTheTouchedPagesThroughRandomWork() {
        // Fixed seed; any would do. Allocations, frees, forced passes and clock steps at random.
        Random random = new Random(0xB0D6E7L);
        CountingBudget budget = new CountingBudget(3 * Pages.HUGEPAGE_PAGES);
        Shard shard = shard(budget, ShardOptions.DEFAULTS.withHugifyDelayMs(5));
        List<Extent> live = new ArrayList<>();
        int refused = 0;
        for (int step = 0; step < 20_000; step++) {
            int what = random.nextInt(10);
            if (what < 5) {
                try {
                    live.addAll(alloc(shard, (1 + random.nextInt(16)) * Pages.PAGE, 1 + random.nextInt(4)));
                } catch (MemoryBudgetExceededException e) {
                    refused++;
                } catch (EdenExhaustedException e) {
                    throw new AssertionError(e);
                }
            } else if (what < 9 && !live.isEmpty()) {
                shard.free(live.remove(random.nextInt(live.size())));
            } else {
                clock.advanceMillis(random.nextInt(10));
                shard.doDeferredWork();
            }
            assertEquals(touched(shard), budget.heldPages(), "step " + step);
            assertTrue(budget.heldPages() <= budget.limitPages(), "step " + step);
        }
        assertTrue(refused > 0, "the budget was reached");
        shard.freeBatch(live);
        shard.destroy();
        assertEquals(0, budget.heldPages(), "destroy gives back every touched page");
    }

    @Test
    void shouldGiveBackThePagesOfAFailedHugifyAndThoseAHugifyNoLongerBacks() {
        CountingBudget budget = new CountingBudget(4 * Pages.HUGEPAGE_PAGES);
        List<DeferredJob> inFlight = new ArrayList<>();
        Shard shard = new Shard(
                0,
                ShardOptions.DEFAULTS.withHugifyDelayMs(0),
                hooks,
                clock,
                inFlight::add,
                Integer.MAX_VALUE,
                budget,
                JobSlots.UNLIMITED);
        List<Extent> extents = alloc(shard, 16 * Pages.PAGE, 31); // 496 pages: a candidate
        shard.doDeferredWork();
        assertEquals(Pages.HUGEPAGE_PAGES, budget.heldPages(), "the 16 retained pages are taken for the hugepage");
        shard.abort(inFlight.remove(0));
        assertEquals(496, budget.heldPages(), "a failed hugify gives them back");
        assertEquals(touched(shard), budget.heldPages());

        clock.advanceMillis(1);
        shard.doDeferredWork();
        assertEquals(Pages.HUGEPAGE_PAGES, budget.heldPages());
        extents.addAll(alloc(shard, 16 * Pages.PAGE, 1)); // touches the 16 pages while the job is in flight
        shard.finish(inFlight.remove(0));
        assertEquals(Pages.HUGEPAGE_PAGES, budget.heldPages(), "the pages are held once, not twice");
        assertEquals(touched(shard), budget.heldPages());
        shard.freeBatch(extents);
    }

    @Test
    void aRefusedBatchNamesEveryExtentItCouldNotServe() {
        CountingBudget budget = new CountingBudget(100);
        Shard shard = neverPurging(budget);
        List<Extent> held = alloc(shard, 10 * Pages.PAGE, 9);
        List<Extent> out = new ArrayList<>();
        MemoryBudgetExceededException refused =
                assertThrows(MemoryBudgetExceededException.class, () -> shard.allocBatch(4 * Pages.PAGE, 4, eden, out));
        assertTrue(
                refused.getMessage().endsWith(", " + 8 * Pages.PAGE + " more requested"),
                "the two extents that did not fit: " + refused.getMessage());
        shard.freeBatch(held);
        assertNull(shard.inconsistency());
    }
}
