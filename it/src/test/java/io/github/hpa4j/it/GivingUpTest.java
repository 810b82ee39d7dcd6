package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.Pages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A caller that gives up loses nothing: a stage it cancels, one it times out itself with
 * {@code orTimeout}, a synchronous call it interrupts. Whatever arrives afterwards is freed again
 * and counted as reclaimed, so once quiet the allocator holds exactly what the test kept: nothing.
 * 500 tries of each, real memory, cache on and off.
 */
class GivingUpTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final int TRIES = 500;

    private static Hpa4j start(String cache) {
        // 500 batches of up to 80 x 64 KiB wait together: more than the default 1 GiB a shard holds waiting.
        Hpa4j hpa4j = It.startOnRealMemory(
                testKit, "hpa4j.shards = 2", "hpa4j.cache.enabled = " + cache, "hpa4j.stash-bytes = 4GiB");
        // Every shard answers once before a test interrupts anyone: Akka refuses a send from an
        // interrupted thread to an actor still starting, so on a busy machine no call would get as
        // far as waiting, and the test would prove nothing about calls that wait.
        It.get(hpa4j.stats());
        return hpa4j;
    }

    /* Batches above a bin's size: with the cache on, most of each is a refill the caller waits for. */
    private static long sizeOf(int i) {
        return (1 + i % 16) * Pages.PAGE;
    }

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"on", "off"})
    void cancelledStagesLoseNothing(String cache) throws Exception {
        Hpa4j hpa4j = start(cache);
        int cancelled = 0;
        for (int i = 0; i < TRIES; i++) {
            CompletableFuture<List<Allocation>> stage = hpa4j.allocateBatch(sizeOf(i), 80);
            if (stage.cancel(false)) {
                cancelled++;
            } else {
                hpa4j.freeBatch(stage.get(30, TimeUnit.SECONDS)).get(30, TimeUnit.SECONDS);
            }
        }
        assertTrue(cancelled > TRIES / 2, "most stages were still waiting when cancelled: " + cancelled);
        assertNothingHeld(hpa4j);
    }

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"on", "off"})
    void stagesTheCallerTimedOutLoseNothing(String cache) throws Exception {
        Hpa4j hpa4j = start(cache);
        int timedOut = 0;
        List<CompletableFuture<Allocation>> stages = new ArrayList<>();
        for (int i = 0; i < TRIES; i++) {
            stages.add(hpa4j.allocate(sizeOf(i)).orTimeout(1, TimeUnit.MICROSECONDS));
        }
        for (CompletableFuture<Allocation> stage : stages) {
            try {
                hpa4j.freeNow(stage.get(30, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                assertInstanceOf(TimeoutException.class, e.getCause());
                timedOut++;
            }
        }
        assertTrue(timedOut > 0, "no stage timed out: the test proved nothing");
        assertNothingHeld(hpa4j);
    }

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"on", "off"})
    void interruptedSynchronousCallsLoseNothing(String cache) {
        Hpa4j hpa4j = start(cache);
        int interrupted = 0;
        for (int i = 0; i < TRIES; i++) {
            Thread.currentThread().interrupt();
            try {
                Allocation a = hpa4j.allocateNow(sizeOf(i));
                Thread.interrupted(); // a cache hit returns without waiting, so without noticing
                hpa4j.freeNow(a);
            } catch (CompletionException e) {
                assertInstanceOf(InterruptedException.class, e.getCause());
                assertTrue(Thread.interrupted(), "the interrupt flag is set again");
                interrupted++;
            }
        }
        // With the cache on only misses wait (a refill keeps each size's bin stocked after that).
        assertTrue(interrupted > 0, "no call waited, so none was interrupted: the test proved nothing");
        System.out.println(interrupted + " of " + TRIES + " calls were interrupted while waiting");
        assertNothingHeld(hpa4j);
    }

    private static void assertNothingHeld(Hpa4j hpa4j) {
        await("every given-up allocation reclaimed")
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> {
                    It.get(hpa4j.trimCaches());
                    AllocatorStats stats = It.get(hpa4j.stats());
                    assertEquals(0, stats.total().nactive(), "active pages once quiet");
                    assertEquals(0, stats.total().liveExtents());
                    // Counted when the shard's answer to the reclaim comes back, just after the pages are free.
                    assertTrue(stats.reclaimed() > 0, "what arrived late was counted as reclaimed");
                });
        AllocatorStats stats = It.get(hpa4j.stats());
        System.out.println("reclaimed " + stats.reclaimed() + " allocations nobody received");
        It.get(hpa4j.stop());
    }
}
