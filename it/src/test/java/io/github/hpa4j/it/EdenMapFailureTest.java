package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.core.EdenExhaustedException;
import io.github.hpa4j.core.PageOperationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Eden's map fails (the OS is out of address space or memory) while clients keep allocating: the
 * ones that need a new slab get a clear out-of-memory error, allocations that fit and frees go on,
 * nothing is leaked, and service resumes as soon as mapping works again.
 */
class EdenMapFailureTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    /** Accepts out-of-memory failures only, checking each is the clear, typed one. */
    private static final class OutOfMemoryCounter implements ClientObserver {
        final AtomicLong failures = new AtomicLong();
        final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();

        @Override
        public boolean allocateFailed(Throwable error, long bytes, int count) {
            if (error instanceof EdenExhaustedException
                    && error.getMessage().startsWith("out of memory")
                    && error.getCause() instanceof PageOperationException cause
                    && "ENOMEM".equals(cause.errorName())) {
                failures.incrementAndGet();
                return true;
            }
            unexpected.add(error);
            return false;
        }
    }

    @Test
    void whenEdenCannotMapCallersGetOutOfMemoryNothingLeaksAndServiceResumesWhenMappingWorksAgain() {
        // One hugepage per map: every new slab needs a map, so the failure is felt at once.
        // The front cache off: it counts pages exactly against an eden of one hugepage, which the transfer tier's stock
        // would change.
        Hpa4jSettings settings = It.settings(
                It.FAST_DEFERRED_WORK,
                "hpa4j.cache.enabled = off",
                "hpa4j.shards = 2",
                "hpa4j.eden-hugepages = 1",
                "hpa4j.ask-timeout = 60s");
        FaultyPageHooks hooks = new FaultyPageHooks(PageHooksFactory.create(settings.hugifyStyle()));
        Hpa4j hpa4j = It.start(testKit, settings, hooks);
        PatternLedger ledger = new PatternLedger();
        int maxPages = Workload.maxPages(settings);

        // 1. Normal traffic leaves a few dozen slabs, partly used.
        Fleet warmUp = new Fleet(testKit, hpa4j, ledger);
        Workload mixed = new Workload(50_000, 64, 0.2, maxPages, 128, 384, 32, 96);
        for (int i = 0; i < 4; i++) {
            warmUp.facade("warm-facade-" + i, i % 2, mixed, 0xEDE0L + i, ClientObserver.STRICT);
            warmUp.protocol("warm-protocol-" + i, i % 2, mixed, 0xEDE0L + 10 + i, 4, ClientObserver.STRICT);
        }
        List<PatternLedger.Tracked> live = new ArrayList<>(Fleet.live(warmUp.await(Duration.ofMinutes(2))));
        long mappedBefore = It.get(hpa4j.stats()).mappedBytes();

        // 2. Maps fail. Clients that only allocate fill the slabs there are, then get out of memory.
        hooks.failMaps(true);
        Workload growOnly =
                new Workload(Long.MAX_VALUE, 64, 0.2, maxPages, Integer.MAX_VALUE / 2, Integer.MAX_VALUE / 2, 0, 0);
        Fleet starved = new Fleet(testKit, hpa4j, ledger);
        List<OutOfMemoryCounter> counters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            OutOfMemoryCounter facadeCounter = new OutOfMemoryCounter();
            OutOfMemoryCounter protocolCounter = new OutOfMemoryCounter();
            counters.add(facadeCounter);
            counters.add(protocolCounter);
            starved.facade("starved-facade-" + i, i % 2, growOnly, 0xEDE1L + i, facadeCounter);
            starved.protocol("starved-protocol-" + i, i % 2, growOnly, 0xEDE1L + 10 + i, 2, protocolCounter);
        }
        await("every client told out of memory").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (OutOfMemoryCounter counter : counters) {
                assertTrue(counter.unexpected.isEmpty(), () -> "unexpected failure: " + counter.unexpected);
                assertTrue(counter.failures.get() >= 3, "a client saw fewer than 3 out-of-memory errors");
            }
        });
        starved.stop();
        List<ClientResult> starvedResults = starved.await(Duration.ofSeconds(60));
        live.addAll(Fleet.live(starvedResults));
        AllocatorStats duringOutage = Invariants.assertAfterQuiescence(hpa4j, ledger, live, Duration.ofSeconds(30));
        assertEquals(mappedBefore, duringOutage.mappedBytes(), "nothing was mapped while maps failed");
        assertTrue(hooks.injectedMapFailures.get() > 0, "maps were refused");
        long outOfMemory = counters.stream().mapToLong(c -> c.failures.get()).sum();

        // Frees and allocations that fit go on during the outage: the freed room is handed out again.
        PatternLedger.Tracked victim = live.remove(live.size() - 1);
        Fleet.freeAll(hpa4j, ledger, List.of(victim));
        Invariants.awaitQuiescence(hpa4j, Duration.ofSeconds(30)); // its slab is not mid_purge now
        long refusedBefore = hooks.injectedMapFailures.get();
        Allocation again = It.get(allocateOn(
                hpa4j, victim.allocation().shard(), victim.allocation().size()));
        live.add(ledger.claim(again));
        assertEquals(refusedBefore, hooks.injectedMapFailures.get(), "served without asking eden");

        // 3. Maps work again: the same demand is served, from fresh slabs.
        hooks.failMaps(false);
        for (int shard = 0; shard < 2; shard++) {
            for (int batch = 0; batch < 8; batch++) {
                for (Allocation allocation : It.get(allocateBatchOn(hpa4j, shard, 64 * 1024, 64))) {
                    live.add(ledger.claim(allocation));
                }
            }
        }
        AllocatorStats resumed = Invariants.assertAfterQuiescence(hpa4j, ledger, live, Duration.ofSeconds(30));
        // 64 MiB asked for; the starved slabs may still have had a few 16-page runs free, so expect
        // at least half of it to come from fresh maps.
        assertTrue(
                resumed.mappedBytes() >= mappedBefore + (32L << 20),
                "fresh slabs were mapped once maps worked: " + resumed.mappedBytes() + " vs " + mappedBefore);
        System.out.printf(
                "eden outage: %d out-of-memory replies, %d maps refused, mapped %,d -> %,d bytes%n",
                outOfMemory, hooks.injectedMapFailures.get(), mappedBefore, resumed.mappedBytes());

        Fleet.freeAll(hpa4j, ledger, live);
        Invariants.assertAfterQuiescence(hpa4j, ledger, List.of(), Duration.ofSeconds(30));
        assertEquals(0, It.get(hpa4j.stop()).liveExtents());
    }

    /* The facade picks a plain thread's shard by thread id; run the call on a thread of that shard. */
    // The handler completes result, which is what the caller waits on.
    @SuppressWarnings("FutureReturnValueIgnored")
    private static CompletableFuture<List<Allocation>> allocateBatchOn(Hpa4j hpa4j, int shard, long bytes, int count) {
        CompletableFuture<List<Allocation>> result = new CompletableFuture<>();
        It.threadForShard(
                        hpa4j,
                        shard,
                        "pinned-" + shard,
                        () -> hpa4j.allocateBatch(bytes, count).whenComplete((list, error) -> {
                            if (error != null) {
                                result.completeExceptionally(error);
                            } else {
                                result.complete(list);
                            }
                        }))
                .start();
        return result;
    }

    private static CompletableFuture<Allocation> allocateOn(Hpa4j hpa4j, int shard, long bytes) {
        return allocateBatchOn(hpa4j, shard, bytes, 1).thenApply(list -> list.get(0));
    }
}
