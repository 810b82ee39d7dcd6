package io.github.hpa4j.actors;

import static io.github.hpa4j.actors.FakePageHooks.Op.HUGIFY;
import static io.github.hpa4j.actors.FakePageHooks.Op.PURGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import io.github.hpa4j.core.FixedPoint;
import io.github.hpa4j.core.Pages;
import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A failed OS call on the page worker aborts its job: the slab leaves mid_purge / mid_hugify with
 * nothing lost, the shard holds new jobs for the retry back-off, and the work is done later.
 */
class PageWorkerFailureTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = TestAllocators.manualTimeKit();

    private static final long BACKOFF_MS = 100;

    private static Hpa4jSettings settings() {
        return TestAllocators.parse("""
                hpa4j.job-retry-backoff = %dms
                hpa4j.job-retry-backoff-max = 1s
                hpa4j.hugify-policy = jemalloc
                """.formatted(BACKOFF_MS));
    }

    /* Shard 0 of a fresh allocator on manual time and fake page hooks, one for each test. */
    private TimeControl time;
    private FakePageHooks hooks;
    private ShardClient shard;

    private void startShard(Hpa4jSettings settings) {
        time = new TimeControl(ManualTime.get(testKit.system()));
        hooks = new FakePageHooks();
        Hpa4j hpa4j = TestAllocators.start(testKit, settings, hooks, time.clock);
        shard = new ShardClient(testKit, hpa4j.shard(0));
    }

    /* 100 pages of one slab, half of them freed with the next given number of purge calls failing. */
    private List<Allocation> freeHalfWithPurgesFailing(int failures) {
        List<Allocation> pages = shard.allocate(Pages.PAGE, 100);
        hooks.failNext(PURGE, failures);
        shard.free(pages.subList(0, 50)); // a shard that never purged purges at once
        return pages;
    }

    /* Waits until the job has ended, aborted or done, and its counter shows it. */
    private ShardActor.ShardSnapshot awaitSettled(
            ToLongFunction<ShardActor.ShardSnapshot> counter, long expected, String what) {
        return shard.awaitSnapshot(s -> {
            assertEquals(expected, counter.applyAsLong(s), what);
            assertEquals(0, s.stats().jobsInFlight(), "no slab left mid_purge or mid_hugify");
        });
    }

    @Test
    void shouldAbortAFailedPurgeAndPurgeTheSlabAfterTheRetryBackoff() {
        startShard(settings());

        List<Allocation> pages = freeHalfWithPurgesFailing(1);
        long slab = Pages.hugepageBase(pages.get(0).address());

        ShardActor.ShardSnapshot aborted =
                awaitSettled(s -> s.stats().counters().npurgeAborts(), 1, "the failed purge was aborted");
        assertEquals(50, aborted.stats().ndirty(), "the dirty pages are still counted dirty");
        assertEquals(50, aborted.stats().nactive());
        assertEquals(0, aborted.stats().npendingPurge());
        assertEquals(0, aborted.stats().counters().npurgePasses());
        assertTrue(aborted.backingOff(), "nothing is begun during the back-off");
        assertEquals(1, hooks.failures(PURGE));

        // During the back-off the slab is an ordinary slab again: it serves allocations.
        Allocation during = shard.allocate(Pages.PAGE, 1).get(0);
        assertEquals(slab, Pages.hugepageBase(during.address()), "the aborted slab serves allocations");
        time.advanceMillis(BACKOFF_MS - 1);
        ShardActor.ShardSnapshot waiting = shard.snapshot();
        assertEquals(0, waiting.stats().jobsInFlight(), "no retry before the back-off is over");
        assertEquals(0, waiting.stats().counters().npurgePasses());

        time.advanceMillis(1);
        ShardActor.ShardSnapshot purged =
                awaitSettled(s -> s.stats().counters().npurgePasses(), 1, "purged after the back-off");
        assertEquals(1, purged.stats().counters().npurgeAborts());
        assertEquals(51, purged.stats().nactive());
        assertTrue(
                purged.stats().ndirty() <= FixedPoint.mulFrac(purged.stats().nactive(), FixedPoint.ofPercent(25)),
                "dirty pages within dirty_mult: " + purged.stats().ndirty());
        assertEquals(1, hooks.count(PURGE));
        shard.free(List.of(during));
    }

    @Test
    void shouldBeginNoJobDuringTheBackoffSoNoSlabWaitsMidPhaseForIt() {
        // Without deferral every free runs a pass itself: during a back-off those passes begin nothing.
        Hpa4jSettings settings = settings();
        settings = settings.withShardOptions(settings.shardOptions().withDeferralAllowed(false));
        startShard(TestAllocators.uncached(settings));
        List<Allocation> pages = shard.allocate(Pages.PAGE, 2 * Pages.HUGEPAGE_PAGES); // two full slabs
        hooks.failNext(PURGE, 1);
        shard.free(pages.subList(0, 300));
        shard.awaitSnapshot(s -> assertEquals(1, s.stats().counters().npurgeAborts()));

        shard.free(pages.subList(Pages.HUGEPAGE_PAGES, Pages.HUGEPAGE_PAGES + 300)); // dirty the second slab too
        ShardActor.ShardSnapshot during = shard.snapshot();
        assertTrue(during.backingOff());
        assertEquals(0, during.stats().jobsInFlight(), "no job begun, so no slab sits mid_purge waiting");
        assertEquals(1, hooks.count(PURGE) + hooks.failures(PURGE), "no purge call during the back-off");
        List<Allocation> again = shard.allocate(Pages.PAGE, 600); // more than either slab has free
        assertEquals(2, shard.snapshot().stats().npageslabs(), "both slabs serve allocations: the shard did not grow");
        shard.free(again);

        time.advanceMillis(BACKOFF_MS);
        shard.awaitSnapshot(s -> {
            assertTrue(!s.backingOff());
            assertTrue(s.stats().counters().npurgePasses() >= 1, "purged once the back-off ended");
            assertEquals(0, s.stats().jobsInFlight());
        });
    }

    @Test
    void shouldDoubleTheBackoffOnRepeatedFailures() {
        startShard(settings());

        freeHalfWithPurgesFailing(2);
        awaitSettled(s -> s.stats().counters().npurgeAborts(), 1, "the first purge was aborted");

        // Retried after 100 ms, it fails again: the next back-off is 200 ms.
        time.advanceMillis(BACKOFF_MS);
        awaitSettled(s -> s.stats().counters().npurgeAborts(), 2, "the retry was aborted too");
        time.advanceMillis(BACKOFF_MS);
        ShardActor.ShardSnapshot waiting = shard.snapshot();
        assertEquals(0, waiting.stats().jobsInFlight(), "not retried after 100 ms: the back-off doubled");
        assertEquals(0, waiting.stats().counters().npurgePasses());

        time.advanceMillis(BACKOFF_MS);
        ShardActor.ShardSnapshot purged =
                awaitSettled(s -> s.stats().counters().npurgePasses(), 1, "purged after 200 ms");
        assertEquals(0, purged.stats().ndirty());
        assertEquals(2, hooks.failures(PURGE));
        assertEquals(1, hooks.count(PURGE));
    }

    @Test
    void shouldLeaveASlabWhoseHugifyFailedNonHugeAndHugifyItAfterAnotherDelay() {
        startShard(settings());

        shard.allocate(Pages.PAGE, Pages.HUGEPAGE_PAGES);
        hooks.failNext(HUGIFY, 1);
        time.advanceMillis(10_000);
        ShardActor.ShardSnapshot aborted =
                awaitSettled(s -> s.stats().counters().nhugifyAborts(), 1, "the failed hugify was aborted");
        assertEquals(0, aborted.stats().slabs().byHuge(true).npageslabs(), "still non-huge");
        assertEquals(0, aborted.stats().counters().nhugifies());

        // The candidate is eligible again from the abort: the hugify delay is also the retry delay.
        time.advanceMillis(9_000);
        assertEquals(0, shard.snapshot().stats().counters().nhugifies(), "not retried before another delay");
        time.advanceMillis(1_001);
        ShardActor.ShardSnapshot hugified =
                awaitSettled(s -> s.stats().counters().nhugifies(), 1, "hugified after another delay");
        assertEquals(1, hugified.stats().slabs().byHuge(true).npageslabs());
        assertEquals(1, hooks.failures(HUGIFY));
        assertEquals(1, hooks.count(HUGIFY));
    }
}
