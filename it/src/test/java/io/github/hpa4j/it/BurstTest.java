package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.Pages;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A burst of 100,000 concurrent {@code allocate} stages with reference.conf's settings: they wait
 * while the shard grows (the stash is bounded by bytes, not by a small count) and every one is
 * served; the cache's refills in flight are counted, so the burst does not make each miss ask for
 * half a bin of extras. Real memory.
 */
class BurstTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final int BURST = 100_000;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

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
        AllocatorStats stats = It.get(hpa4j.stats());
        assertEquals(BURST, served.size());
        long cached = stats.cache().cachedExtents();
        assertEquals(BURST + cached, stats.total().liveExtents(), "served ones and the cache's extras, nothing else");
        assertTrue(cached <= 2L * hpa4j.settings().cache().maxPerClass(),
                "extras bounded by the bin, not by the burst: " + cached);
        for (int from = 0; from < BURST; from += 1_000) {
            It.get(hpa4j.freeBatch(served.subList(from, from + 1_000)));
        }
        It.get(hpa4j.trimCaches());
        assertEquals(0, It.get(hpa4j.stats()).total().liveExtents());
        It.get(hpa4j.stop());
    }
}
