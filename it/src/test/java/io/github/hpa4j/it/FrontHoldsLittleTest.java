package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.Pages;
import java.util.Random;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * What the front costs in memory: a thread churns a 512 KiB working set of sixteen blocks from 4 to
 * 64 KiB (each slot keeps its size) for a second, with reference.conf's settings; then the pages
 * active in the shards beyond those the thread holds, which is what the thread cache and the tier
 * keep, stay under half the working set. The stock of the first misses decays because no later
 * allocation takes from the tier, and the cache gives back what no allocation needed. Real memory.
 */
class FrontHoldsLittleTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();
    /* Pages per slot: 1 .. 15 and one more of 8, 128 pages in all. */
    private static final int[] PAGES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 8};
    private static final long WORKING_SET = 128 * Pages.PAGE;

    @Test
    void aSteadyWorkingSetOf512KiBLeavesLessThan256KiBActiveBeyondIt() {
        Hpa4j hpa4j = It.startOnRealMemory(testKit, "hpa4j.shards = 1");
        Allocation[] held = new Allocation[PAGES.length];
        long heldBytes = 0;
        for (int i = 0; i < held.length; i++) {
            held[i] = hpa4j.allocateNow(PAGES[i] * Pages.PAGE);
            heldBytes += held[i].size();
        }
        assertEquals(WORKING_SET, heldBytes);
        Random random = new Random(11);
        long rounds = 0;
        long end = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() - end < 0) {
            int slot = random.nextInt(held.length);
            hpa4j.freeNow(held[slot]);
            held[slot] = hpa4j.allocateNow(PAGES[slot] * Pages.PAGE);
            rounds++;
        }
        AllocatorStats stats = It.get(hpa4j.stats());
        long beyond = stats.activeBytes() - stats.heldBytes();
        System.out.printf(
                "front after 1 s of steady use (%,d frees + allocations): active %,d bytes, held %,d, "
                        + "beyond %,d (%s)%n",
                rounds, stats.activeBytes(), stats.heldBytes(), beyond, stats.cache());
        assertEquals(WORKING_SET, stats.heldBytes(), "the thread holds its working set, nothing else is held");
        assertTrue(beyond < WORKING_SET / 2, "active beyond the working set: " + beyond + " bytes");
        assertTrue(stats.cache().waitedShare() < 0.01, "waited on a message: " + stats.cache());
        for (Allocation a : held) {
            hpa4j.freeNow(a);
        }
        It.get(hpa4j.stop());
    }
}
