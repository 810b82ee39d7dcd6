package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One budget of job slots for the shards of an allocator: a job in flight holds a slot whichever
 * shard began it, and a hugify never takes the last free one, so purges are not starved by hugifies.
 */
class ShardJobSlotsTest {
    private final ManualClock clock = new ManualClock();
    private final RecordingHooks hooks = new RecordingHooks();
    private final Eden eden = new Eden(hooks);
    private final List<DeferredJob> inFlight = new ArrayList<>();

    private Shard shard(int index, JobSlots slots, ShardOptions options) {
        return new Shard(index, options, hooks, clock, inFlight::add, Integer.MAX_VALUE, PageBudget.UNLIMITED, slots);
    }

    private List<Extent> alloc(Shard shard, long bytes, int count) {
        List<Extent> out = new ArrayList<>();
        shard.allocBatch(bytes, count, eden, out);
        return out;
    }

    @Test
    void shouldShareTheSlotsBetweenShardsAndFreeThemWhenJobsEnd() {
        CountingSlots slots = new CountingSlots(2);
        Shard first = shard(0, slots, ShardOptions.DEFAULTS);
        Shard second = shard(1, slots, ShardOptions.DEFAULTS);
        first.freeBatch(alloc(first, 64 * 1024, 64)); // two empty dirty slabs: two purges
        second.freeBatch(alloc(second, 64 * 1024, 32));
        assertEquals(2, first.maybeDoDeferredWork(true), "two purges take both slots");
        assertEquals(0, second.maybeDoDeferredWork(true), "no slot left for the other shard's purge");
        assertEquals(2, slots.inUse);
        first.finish(inFlight.remove(0));
        assertEquals(1, slots.inUse, "an ended job gives its slot back");
        assertEquals(1, second.maybeDoDeferredWork(true), "which the other shard then takes");
        first.abort(inFlight.remove(0));
        second.finish(inFlight.remove(0));
        assertEquals(0, slots.inUse, "aborted and finished jobs alike");
        assertNull(first.inconsistency());
        assertNull(second.inconsistency());
    }

    @Test
    void shouldKeepTheLastFreeSlotForAPurge() {
        CountingSlots slots = new CountingSlots(2);
        Shard shard = shard(0, slots, ShardOptions.DEFAULTS.withHugifyDelayMs(0));
        List<Extent> chunks = alloc(shard, 64 * 1024, 96); // three full slabs
        // Slabs one and two keep 31 of 32 chunks (hugify candidates); slab three is emptied (purge work).
        List<Extent> freed = new ArrayList<>(chunks.subList(64, 96));
        freed.add(chunks.get(0));
        freed.add(chunks.get(32));
        shard.freeBatch(freed);

        assertEquals(1, shard.maybeDoDeferredWork(true));
        assertTrue(inFlight.get(0) instanceof PurgeJob, "the purge went first");
        assertTrue(slots.refusals > 0, "a hugify may not take the last free slot");
        shard.finish(inFlight.remove(0));

        assertEquals(1, shard.maybeDoDeferredWork(true), "with two free, one hugify; the other slot stays for purges");
        assertTrue(inFlight.get(0) instanceof HugifyJob);
        assertEquals(1, slots.inUse);
        shard.finish(inFlight.remove(0));
        assertNull(shard.inconsistency());
    }

    @Test
    void shouldGiveBackTheSlotOfAHugifyTheBudgetRefused() {
        CountingSlots slots = new CountingSlots(4);
        CountingBudget budget = new CountingBudget(Pages.HUGEPAGE_PAGES - 1);
        Shard shard = new Shard(
                0,
                ShardOptions.DEFAULTS.withHugifyDelayMs(0),
                hooks,
                clock,
                inFlight::add,
                Integer.MAX_VALUE,
                budget,
                slots);
        alloc(shard, 16 * Pages.PAGE, 31); // a candidate whose hugepage would not fit the budget
        assertEquals(0, shard.maybeDoDeferredWork(true));
        assertEquals(0, slots.inUse, "the slot taken for it is free again");
        assertEquals(0, slots.refusals);
    }
}
