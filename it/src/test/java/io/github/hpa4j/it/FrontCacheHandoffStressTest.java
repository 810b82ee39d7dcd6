package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.CacheStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.core.Pages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The front cache under concurrency on real memory, where {@link ConcurrentStressTest}'s
 * clients each free only what they allocated: here four plain threads, one per shard, allocate with
 * {@code allocateNow}, hand most allocations to the others through a shared queue, and free what
 * they take with {@code freeNow} or {@code free}. So most frees are of another shard's extents
 * (gathered and handed to the owner's transfer tier in batches) while fills, flushes, restocks and a
 * fast sweeper (each cache's GC every 10 ms, idle 30 ms) run at the same time. Every allocation is claimed and filled in the
 * {@link PatternLedger} and verified before its free; afterwards the caches are trimmed and the
 * invariants checked against what the threads still hold.
 */
class FrontCacheHandoffStressTest {
    private static final int THREADS = 4;
    private static final long OPERATIONS_PER_THREAD = Long.getLong("hpa4j.stress.handoff", 250_000L);
    private static final long SEED = 0x7_2026L;

    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    @Test
    void extentsFreedByOtherThreadsAndShardsThroughTheCachesNeverOverlapAndAreAllAccountedFor() throws Exception {
        Hpa4jSettings settings = It.settings(
                It.FAST_DEFERRED_WORK,
                "hpa4j.shards = " + THREADS,
                "hpa4j.cache.enabled = on",
                "hpa4j.cache.max-per-class = 16",
                "hpa4j.cache.remote-batch = 8",
                "hpa4j.cache.sweep-interval = 10ms",
                "hpa4j.cache.idle-timeout = 30ms",
                "hpa4j.ask-timeout = 60s");
        Hpa4j hpa4j = It.startOnRealMemory(testKit, settings);
        PatternLedger ledger = new PatternLedger();
        ConcurrentLinkedQueue<PatternLedger.Tracked> shared = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            CompletableFuture<Void> result = new CompletableFuture<>();
            results.add(result);
            long seed = SEED + t;
            It.threadForShard(hpa4j, t, "handoff-" + t, () -> {
                        try {
                            run(hpa4j, ledger, shared, seed);
                            result.complete(null);
                        } catch (Throwable e) {
                            result.completeExceptionally(e);
                        }
                    })
                    .start();
        }
        for (CompletableFuture<Void> result : results) {
            result.get(5, TimeUnit.MINUTES);
        }
        List<PatternLedger.Tracked> live = new ArrayList<>(shared); // what the threads left in the queue
        double seconds = (System.nanoTime() - start) / 1e9;
        CacheStats cache = hpa4j.cacheStats();
        System.out.printf("handoff: %,d operations in %.1f s; %s%n", THREADS * OPERATIONS_PER_THREAD, seconds, cache);
        assertTrue(cache.remoteBatches() > 0, "frees of other shards' extents went in batches: " + cache);
        assertTrue(cache.hits() > 0 && cache.waits() > 0 && cache.flushes() > 0, cache.toString());

        Invariants.assertAfterQuiescence(hpa4j, ledger, live, Duration.ofSeconds(60));
        Fleet.freeAll(hpa4j, ledger, live);
        Invariants.assertAfterQuiescence(hpa4j, ledger, List.of(), Duration.ofSeconds(30));
        assertEquals(0, It.get(hpa4j.stop()).liveExtents(), "nothing left to reclaim at shutdown");
    }

    /* Allocates and frees until its quota; what it allocated and nobody freed stays in the queue. */
    private static void run(
            Hpa4j hpa4j, PatternLedger ledger, ConcurrentLinkedQueue<PatternLedger.Tracked> shared, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int maxPages = Workload.maxPages(hpa4j.settings());
        for (long ops = 0; ops < OPERATIONS_PER_THREAD; ops++) {
            boolean allocate = shared.size() < 64 || (shared.size() < 2048 && random.nextBoolean());
            if (allocate) {
                // Few size classes, so the bins see reuse.
                long bytes = (1 + random.nextInt(Math.min(4, maxPages))) * Pages.PAGE - random.nextInt(100);
                Allocation a = hpa4j.allocateNow(bytes);
                shared.add(ledger.claim(a));
            } else {
                PatternLedger.Tracked tracked = shared.poll();
                if (tracked == null) {
                    continue;
                }
                ledger.release(tracked);
                if (random.nextBoolean()) {
                    hpa4j.freeNow(tracked.allocation());
                } else {
                    It.get(hpa4j.free(tracked.allocation()));
                }
            }
        }
    }
}
