package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The deferred-work loop around jobs an executor runs: a failed job holds every pass for a back-off
 * that doubles while failures go on, and a pass cut at the job limit goes on as its jobs end.
 */
class ShardRetryBackoffTest {
    private static final long MS = 1_000_000L;
    private final ManualClock clock = new ManualClock();
    private final RecordingHooks hooks = new RecordingHooks();
    private final Eden eden = new Eden(hooks);
    private final List<DeferredJob> inFlight = new ArrayList<>();

    private Shard shard(ShardOptions options, int maxJobsInFlight) {
        Shard shard = new Shard(0, options, hooks, clock, inFlight::add, maxJobsInFlight);
        shard.setJobRetryBackoff(100 * MS, 400 * MS);
        return shard;
    }

    private List<Extent> allocPages(Shard shard, int count) {
        List<Extent> out = new ArrayList<>();
        shard.allocBatch(Pages.PAGE, count, eden, out);
        return out;
    }

    /* A shard with one purge in flight: 60 of 100 pages freed is past dirty_mult at once. */
    private Shard shardPurging() {
        Shard shard = shard(ShardOptions.DEFAULTS, Integer.MAX_VALUE);
        shard.freeBatch(allocPages(shard, 100).subList(0, 60));
        assertEquals(1, shard.maybeDoDeferredWork(true));
        assertInstanceOf(PurgeJob.class, inFlight.get(0));
        return shard;
    }

    @Test
    void shouldBeginNoJobUntilTheBackoffAfterAFailureIsOver() {
        Shard shard = shardPurging();
        assertEquals(100 * MS, shard.jobFailed(inFlight.remove(0)));
        assertTrue(shard.backingOff());
        assertEquals(0, shard.maybeDoDeferredWork(true), "not even a forced pass");
        assertEquals(0, shard.continueAfterJob());
        assertEquals(100 * MS, shard.nanosUntilDeferredWork(), "the purge is due now, but waits for the back-off");

        clock.advanceMillis(99);
        assertEquals(0, shard.maybeDoDeferredWork(true));
        assertEquals(MS, shard.nanosUntilDeferredWork());
        clock.advanceMillis(1);
        assertFalse(shard.backingOff(), "over at exactly its length");
        assertEquals(0, shard.nanosUntilDeferredWork());
        assertEquals(1, shard.maybeDoDeferredWork(true), "the aborted purge is begun again");
        assertEquals(0, shard.stats().ndirty() - shard.npendingPurge(), "all its dirty pages are pending again");
    }

    @Test
    void shouldDoubleTheBackoffWhileJobsFailUpToItsMaximumAndStartOverAfterASuccess() {
        Shard shard = shardPurging();
        long[] expected = {100, 200, 400, 400};
        for (long pauseMs : expected) {
            assertEquals(pauseMs * MS, shard.jobFailed(inFlight.remove(0)));
            clock.advanceMillis(pauseMs - 1);
            assertEquals(0, shard.maybeDoDeferredWork(true), "still backing off after " + (pauseMs - 1) + " ms");
            clock.advanceMillis(1);
            assertEquals(1, shard.maybeDoDeferredWork(true));
        }
        shard.jobSucceeded(inFlight.remove(0));
        assertFalse(shard.backingOff());

        shard.freeBatch(allocPages(shard, 200).subList(0, 150));
        clock.advanceMillis(ShardOptions.DEFAULTS.minPurgeIntervalMs());
        assertEquals(1, shard.maybeDoDeferredWork(true));
        assertEquals(100 * MS, shard.jobFailed(inFlight.remove(0)), "a success resets the back-off");
    }

    @Test
    void shouldNotPauseWithoutABackoff() {
        Shard shard = shardPurging();
        shard.setJobRetryBackoff(0, 0);
        assertEquals(0, shard.jobFailed(inFlight.remove(0)));
        assertFalse(shard.backingOff());
        assertEquals(1, shard.maybeDoDeferredWork(true), "retried at the next pass");
        assertThrows(IllegalArgumentException.class, () -> shard.setJobRetryBackoff(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> shard.setJobRetryBackoff(2, 1));
    }

    @Test
    void shouldGoOnWithAPassCutAtTheJobLimitAsItsJobsEnd() {
        Shard shard = shard(ShardOptions.DEFAULTS.withHugifyDelayMs(0), 1);
        allocPages(shard, Pages.HUGEPAGE_PAGES);
        allocPages(shard, Pages.HUGEPAGE_PAGES);
        assertEquals(1, shard.maybeDoDeferredWork(true), "one of the two candidates, then the limit");
        assertEquals(0, shard.maybeDoDeferredWork(false), "with deferral allowed an unforced pass does nothing");

        shard.jobSucceeded(inFlight.remove(0));
        assertEquals(1, shard.continueAfterJob(), "the cut pass goes on, forced");
        assertInstanceOf(HugifyJob.class, inFlight.get(0));
        shard.jobSucceeded(inFlight.remove(0));
        assertEquals(0, shard.continueAfterJob(), "nothing left");
        assertTrue(shard.slabs().stream().allMatch(PageSlab::huge));

        shard.freeBatch(allocPages(shard, 100).subList(0, 90));
        assertEquals(0, shard.continueAfterJob(), "the pass was not cut: as after a free, deferred");
        assertEquals(0, inFlight.size());
    }
}
