package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.Pages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A burst of 100,000 concurrent {@code allocate} stages with reference.conf's settings: they wait
 * while the shard grows (the stash is bounded by bytes, not by a small count) and every one is
 * served; a transfer tier has one restock in flight per class, so the burst does not make each
 * miss stock more. Real memory.
 */
class BurstTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final int BURST = 100_000;

    @Test
    void aBurstOfAHundredThousandAllocationsIsServedInFull() {
        Hpa4j hpa4j = It.startOnRealMemory(testKit);
        List<CompletableFuture<Allocation>> burst = new ArrayList<>(BURST);
        for (int i = 0; i < BURST; i++) {
            burst.add(hpa4j.allocate(Pages.PAGE));
        }
        Set<Long> addresses = new HashSet<>(BURST * 2);
        List<Allocation> served = new ArrayList<>(BURST);
        for (CompletableFuture<Allocation> stage : burst) {
            Allocation a = It.get(stage);
            assertTrue(addresses.add(a.address()), "handed out twice: " + a);
            served.add(a);
        }
        assertEquals(BURST, served.size());
        // The tier's stock may still be landing: the figures add up once it has.
        AllocatorStats stats = await("the tier's stock landed")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> It.get(hpa4j.stats()),
                        s -> s.total().liveExtents() == BURST + s.cache().cachedExtents());
        long cached = stats.cache().cachedExtents();
        // A thread cache's class holds at most max-per-class, a tier's class at most four times that.
        assertTrue(
                cached <= 5L * hpa4j.settings().cache().maxPerClass(),
                "what the front keeps is bounded by its classes, not by the burst: " + cached);
        for (int from = 0; from < BURST; from += 1_000) {
            It.get(hpa4j.freeBatch(served.subList(from, from + 1_000)));
        }
        It.get(hpa4j.trimCaches());
        assertEquals(0, It.get(hpa4j.stats()).total().liveExtents());
        It.get(hpa4j.stop());
    }
}
