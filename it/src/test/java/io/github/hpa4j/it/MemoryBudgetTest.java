package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.MemoryBudgetExceededException;
import io.github.hpa4j.core.Pages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code hpa4j.max-memory} on real memory, two shards, cache on and off: allocations are refused,
 * typed and naming the budget, once what hpa4j holds would exceed it; what it holds, and what is
 * resident, never exceed it; what it reserves stays below twice it plus one eden region. Memory one shard
 * freed goes back to the OS when another shard is refused, and the refused shard is then served.
 */
class MemoryBudgetTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final long BUDGET = 64L << 20;
    private static final long EDEN_REGION = 16 * Pages.HUGEPAGE;
    private static final long BLOCK = 64 * 1024;

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"on", "off"})
    void theBudgetIsReachedHeldToAndRecoveredAcrossShards(String cache) {
        Hpa4j hpa4j = It.startOnRealMemory(
                testKit,
                "hpa4j.shards = 2",
                "hpa4j.cache.enabled = " + cache,
                "hpa4j.max-memory = " + BUDGET,
                "hpa4j.eden-hugepages = 16",
                "hpa4j.min-purge-interval = 100ms");

        // Shard 0 fills the budget, every block written, until it is refused.
        List<Allocation> zero = It.onShard(hpa4j, 0, () -> fillUntilRefused(hpa4j));
        AllocatorStats full = It.get(hpa4j.stats());
        assertWithinBudget(full);
        assertTrue(
                full.budget().heldBytes() > BUDGET - 4 * Pages.HUGEPAGE,
                "filled close to the budget: " + full.budget());

        // Shard 0 frees everything: dirty, still held. Shard 1 needs fresh pages: refused at first,
        // which makes every shard purge; then served.
        It.get(hpa4j.freeBatch(zero));
        It.get(hpa4j.trimCaches());
        List<Allocation> one = new ArrayList<>();
        await("served after the purge")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    Allocation a = It.onShard(hpa4j, 1, () -> {
                        try {
                            return hpa4j.allocateNow(BLOCK);
                        } catch (MemoryBudgetExceededException refused) {
                            return null;
                        }
                    });
                    if (a != null) {
                        one.add(a);
                    }
                    assertWithinBudget(It.get(hpa4j.stats()));
                    return a != null;
                });
        // Shard 0's purges land one slab after another; each refusal asks for the rest again.
        List<Allocation> more = new ArrayList<>();
        await("shard 1 got the memory shard 0 gave back")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    more.addAll(It.onShard(hpa4j, 1, () -> fillUntilRefused(hpa4j)));
                    assertWithinBudget(It.get(hpa4j.stats()));
                    return more.size() * BLOCK > BUDGET / 2;
                });
        AllocatorStats after = It.get(hpa4j.stats());
        assertWithinBudget(after);
        System.out.println(
                "budget " + after.budget() + ", resident " + after.smaps().rss() + ", reserved " + after.mappedBytes());
        one.addAll(more);
        It.get(hpa4j.freeBatch(one));
        It.get(hpa4j.stop());
    }

    private static List<Allocation> fillUntilRefused(Hpa4j hpa4j) {
        List<Allocation> held = new ArrayList<>();
        while (true) {
            try {
                Allocation a = hpa4j.allocateNow(BLOCK);
                a.segment().fill((byte) 1);
                held.add(a);
            } catch (MemoryBudgetExceededException refused) {
                assertTrue(
                        refused.getMessage().contains("memory budget of " + BUDGET + " bytes"), refused.getMessage());
                assertTrue(refused.heldBytes() <= BUDGET, refused.getMessage());
                return held;
            }
            assertTrue(held.size() * BLOCK <= BUDGET, "served past the budget");
        }
    }

    private static void assertWithinBudget(AllocatorStats stats) {
        assertEquals(BUDGET, stats.budget().limitBytes());
        assertTrue(stats.budget().heldBytes() <= BUDGET, "held " + stats.budget());
        assertTrue(stats.smaps().rss() <= BUDGET, "resident " + stats.smaps());
        assertTrue(stats.mappedBytes() < 2 * BUDGET + EDEN_REGION, "reserved " + stats.mappedBytes());
    }
}
