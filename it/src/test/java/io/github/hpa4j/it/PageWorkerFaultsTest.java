package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.core.ShardCounters;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The page worker fails a share of its OS calls and is slow, under concurrent load: every failed job
 * is aborted (its slab leaves mid_purge / mid_hugify and is retried later), no live page is ever
 * purged, and once the OS behaves again the allocator settles with its invariants intact.
 */
class PageWorkerFaultsTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    @Test
    void failingOneInTenPageCallsAndSlowCallsAbortJobsButNeverCorruptOrLoseAPage() {
        Hpa4jSettings settings = It.settings(
                It.FAST_DEFERRED_WORK,
                "hpa4j.shards = 2",
                // Purge passes as often as the shard allows, so the workers see many jobs.
                "hpa4j.min-purge-interval = 20ms",
                "hpa4j.ask-timeout = 60s",
                // Half-full slabs are candidates too, so that hugify jobs are many and some fail.
                "hpa4j.hugification-threshold = 50%");
        FaultyPageHooks hooks = new FaultyPageHooks(PageHooksFactory.create(settings.hugifyStyle()));
        hooks.failJobCalls(0.10);
        hooks.slowJobCalls(Duration.ofMillis(1).toNanos());
        Hpa4j hpa4j = It.start(testKit, settings, hooks);
        PatternLedger ledger = new PatternLedger();
        int maxPages = Workload.maxPages(settings);
        Workload workload = new Workload(150_000, 64, 0.2, maxPages, 128, 512, 32, 64);

        Fleet fleet = new Fleet(testKit, hpa4j, ledger);
        for (int i = 0; i < 4; i++) {
            fleet.facade("facade-" + i, i % 2, workload, 0xFA17L + i, ClientObserver.STRICT);
            fleet.protocol("protocol-" + i, i % 2, workload, 0xFA17L + 10 + i, 4, ClientObserver.STRICT);
        }
        List<ClientResult> results = fleet.await(Duration.ofMinutes(5));
        List<PatternLedger.Tracked> live = Fleet.live(results);

        // Deferred work goes on with the faults still on until both kinds of job have failed (the
        // first purge and hugify calls fail for sure; hugify jobs mostly wait until purges catch up).
        await("a purge and a hugify failed")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    It.get(hpa4j.runDeferredWork());
                    assertTrue(hooks.injectedPurgeFailures.get() > 0, "no purge call failed yet");
                    assertTrue(hooks.injectedHugifyFailures.get() > 0, "no hugify call failed yet");
                });

        // The OS recovers; the held-back jobs are retried after the back-off and the shards settle.
        hooks.failJobCalls(0);
        hooks.slowJobCalls(0);
        AllocatorStats quiet = Invariants.assertAfterQuiescence(hpa4j, ledger, live, Duration.ofSeconds(60));
        ShardCounters counters = quiet.total().counters();
        System.out.printf(
                "worker faults: %,d operations, %d purge and %d hugify calls failed, %s, %d slabs, "
                        + "%,d bytes mapped, %s, OS calls %s%n",
                Fleet.operations(results),
                hooks.injectedPurgeFailures.get(),
                hooks.injectedHugifyFailures.get(),
                counters,
                quiet.total().npageslabs(),
                quiet.mappedBytes(),
                quiet.smaps(),
                quiet.pageCalls());
        assertEquals(0, quiet.pageCalls().errors(), "no real OS call failed: " + quiet.pageCalls());
        // Jobs in flight are bounded by the page workers, so slow calls cannot strand slabs in
        // mid_purge and make the shards grow: about 66 slabs here; unbounded, 265 to 4,600.
        assertTrue(
                quiet.total().npageslabs() <= 200,
                "shards grew while the worker was slow: " + quiet.total().npageslabs() + " slabs");
        assertEquals(
                hooks.injectedPurgeFailures.get(),
                counters.npurgeAborts(),
                "each failed purge call aborted exactly its job: " + counters);
        assertEquals(
                hooks.injectedHugifyFailures.get(),
                counters.nhugifyAborts(),
                "each failed hugify call aborted exactly its job: " + counters);
        assertTrue(
                counters.npurgePasses() > 0 && counters.nhugifies() > 0,
                "purging and hugifying still got done: " + counters);

        Fleet.freeAll(hpa4j, ledger, live);
        Invariants.assertAfterQuiescence(hpa4j, ledger, List.of(), Duration.ofSeconds(30));
        assertEquals(0, It.get(hpa4j.stop()).liveExtents());
    }
}
