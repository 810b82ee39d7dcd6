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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Under overload with a very short ask timeout, many facade calls give up before their reply comes.
 * A late {@code Allocated} reply goes to dead letters, where the allocator's reclaimer frees it; a
 * late {@code Freed} reply changes nothing, since the free happened anyway. Afterwards every page is
 * accounted for: active pages are exactly those of the allocations the test received and kept.
 *
 * <p>This test has an actor system of its own: every allocator in a system listens to all of its
 * dead letters, so one with no other allocator in it keeps the reclaimed count exact.
 */
class AskTimeoutReclaimTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    /** Counts timed-out calls; accepts nothing else. */
    private static final class TimeoutCounter implements ClientObserver {
        final AtomicLong allocateTimeouts = new AtomicLong();
        final AtomicLong extentsInTimedOutAllocates = new AtomicLong();
        final AtomicLong freeTimeouts = new AtomicLong();

        @Override
        public boolean allocateFailed(Throwable error, long bytes, int count) {
            if (error instanceof TimeoutException) {
                allocateTimeouts.incrementAndGet();
                extentsInTimedOutAllocates.addAndGet(count);
                return true;
            }
            return false;
        }

        @Override
        public boolean freeFailed(Throwable error, List<PatternLedger.Tracked> freed) {
            if (error instanceof TimeoutException) {
                freeTimeouts.incrementAndGet();
                return true;
            }
            return false;
        }
    }

    @Test
    void asksThatTimeOutUnderOverloadLeakNoPageBecauseEveryLateAllocationIsReclaimed() {
        // 5 ms asks; eden maps one slab at a time and each map takes 20 ms, so growth alone outlasts them.
        // The front cache off: it counts the extents of every timed-out reply (with the cache, the tier's stock would
        // be asked for beside them).
        Hpa4jSettings settings = It.settings(
                It.FAST_DEFERRED_WORK,
                "hpa4j.cache.enabled = off",
                "hpa4j.shards = 2",
                "hpa4j.eden-hugepages = 1",
                "hpa4j.ask-timeout = 5ms");
        FaultyPageHooks hooks = new FaultyPageHooks(PageHooksFactory.create(settings.hugifyStyle()));
        hooks.slowMaps(Duration.ofMillis(20).toNanos());
        Hpa4j hpa4j = It.start(testKit, settings, hooks);
        PatternLedger ledger = new PatternLedger();
        int maxPages = Workload.maxPages(settings);
        Workload workload = new Workload(100_000, 64, 0.2, maxPages, 128, 512, 32, 64);
        TimeoutCounter timeouts = new TimeoutCounter();

        Fleet fleet = new Fleet(testKit, hpa4j, ledger);
        for (int i = 0; i < 8; i++) {
            fleet.facade("facade-" + i, i % 2, workload, 0x713E0L + i, timeouts);
        }
        List<ClientResult> results = fleet.await(Duration.ofMinutes(3));
        List<PatternLedger.Tracked> live = Fleet.live(results);
        long expectedReclaimed = timeouts.extentsInTimedOutAllocates.get();
        System.out.printf(
                "ask timeouts: %,d operations, %d allocate and %d free calls timed out, %d extents to reclaim%n",
                Fleet.operations(results),
                timeouts.allocateTimeouts.get(),
                timeouts.freeTimeouts.get(),
                expectedReclaimed);
        assertTrue(timeouts.allocateTimeouts.get() > 0, "the load made allocate asks time out");

        // Each timed-out allocate was served late and its reply reclaimed: active = what the test holds.
        await("late replies reclaimed")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    AllocatorStats stats = It.get(hpa4j.stats());
                    assertEquals(expectedReclaimed, stats.reclaimed(), "allocations reclaimed from dead letters");
                });
        Invariants.assertAfterQuiescence(hpa4j, ledger, live, Duration.ofSeconds(30));

        // Freed with the same 5 ms asks: a free that times out still happens.
        for (int from = 0; from < live.size(); from += 64) {
            List<Allocation> batch = new ArrayList<>();
            for (PatternLedger.Tracked tracked : live.subList(from, Math.min(live.size(), from + 64))) {
                ledger.release(tracked);
                batch.add(tracked.allocation());
            }
            hpa4j.freeBatch(batch)
                    .toCompletableFuture()
                    .exceptionally(error -> {
                        assertTrue(
                                It.unwrap(error) instanceof TimeoutException, "only a timeout is acceptable: " + error);
                        return null;
                    })
                    .join();
        }
        AllocatorStats empty = Invariants.assertAfterQuiescence(hpa4j, ledger, List.of(), Duration.ofSeconds(30));
        assertEquals(expectedReclaimed, empty.reclaimed(), "nothing more to reclaim");
        assertEquals(0, It.get(hpa4j.stop()).liveExtents());
    }
}
