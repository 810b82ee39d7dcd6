package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.bridge.ThpSupport;
import io.github.hpa4j.core.Pages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the kernel sees, read from smaps for the allocator's own regions: dense slabs become real
 * hugepages, and freed memory leaves the resident set once a purge pass ran. Both rely on the
 * background timer alone (no forced deferred work), with a 100 ms hugify delay and purge interval.
 */
class HugepagesAndPurgingOnRealMemoryTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    @BeforeEach
    void requireThp() {
        Assumptions.assumeTrue(ThpSupport.isAvailable(), () -> "needs Linux THP: " + ThpSupport.unavailabilityCause());
    }

    @Test
    void denseSlabsAreHugifiedAfterTheDelayAndBackedByHugepagesWithTheirContentsIntact() {
        // The front cache off: its transfer tier's stock would fill a ninth slab, and this test counts slabs.
        Hpa4jSettings settings = It.settings(
                It.FAST_DEFERRED_WORK,
                "hpa4j.shards = 1",
                "hpa4j.hugify-style = collapse",
                "hpa4j.cache.enabled = off");
        Hpa4j hpa4j = It.startOnRealMemory(testKit, settings);
        PatternLedger ledger = new PatternLedger();
        int slabs = 8;
        List<PatternLedger.Tracked> live = new ArrayList<>();
        // 16-page extents tile a slab exactly: 32 per slab, so 8 slabs end up full.
        for (int batch = 0; batch < slabs / 2; batch++) {
            for (Allocation allocation : It.get(hpa4j.allocateBatch(64 * 1024, 64))) {
                live.add(ledger.claim(allocation));
            }
        }

        AtomicReference<AllocatorStats> last = new AtomicReference<>();
        await("hugified")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    AllocatorStats stats = It.get(hpa4j.stats());
                    last.set(stats);
                    assertEquals(
                            slabs,
                            stats.total().counters().nhugifies(),
                            "slabs hugified: " + stats.total().counters());
                    assertEquals(
                            slabs,
                            stats.total().slabs().full(true).npageslabs(),
                            "full huge slabs: " + stats.total().slabs());
                    assertEquals(
                            slabs * Pages.HUGEPAGE,
                            stats.smaps().anonHugePages(),
                            "AnonHugePages: " + stats.smaps() + ", OS calls " + stats.pageCalls());
                });
        System.out.println(
                "hugify: " + last.get().smaps() + ", OS calls " + last.get().pageCalls());
        for (PatternLedger.Tracked tracked : live) {
            ledger.verify(tracked); // collapsing copied every byte into the new hugepages
        }
        Invariants.assertAfterQuiescence(hpa4j, ledger, live, Duration.ofSeconds(10));

        Fleet.freeAll(hpa4j, ledger, live);
        await("purged")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    AllocatorStats stats = It.get(hpa4j.stats());
                    assertEquals(
                            0,
                            stats.total().ndirty(),
                            "dirty pages with nothing active: " + stats.total().slabs());
                    assertEquals(0, stats.smaps().rss(), "Rss once every slab is empty and purged: " + stats.smaps());
                    assertEquals(
                            slabs, stats.total().counters().ndehugifies(), "huge slabs dehugified before their purge");
                });
        assertEquals(0, It.get(hpa4j.stop()).liveExtents());
    }

    @Test
    void freeingMostMemoryDropsTheResidentSetOfTheAllocatorsRegionsWithinAPurgeInterval() {
        // Hugify style none: hugifying is a counted no-op, so the kernel keeps 4 KiB pages and Rss
        // shows what purging alone gives back.
        Hpa4jSettings settings = It.settings(It.FAST_DEFERRED_WORK, "hpa4j.shards = 2", "hpa4j.hugify-style = none");
        Hpa4j hpa4j = It.startOnRealMemory(testKit, settings);
        PatternLedger ledger = new PatternLedger();
        Random random = new Random(0x2026_05L); // fixed: which extents are kept does not matter
        List<PatternLedger.Tracked> live = new ArrayList<>();
        long bytes = 0;
        while (bytes < 96L << 20) {
            long size = (1 + random.nextInt(16)) * Pages.PAGE;
            for (Allocation allocation : It.get(hpa4j.allocateBatch(size, 32))) {
                live.add(ledger.claim(allocation));
                bytes += allocation.size();
            }
        }
        AllocatorStats before = Invariants.assertAfterQuiescence(hpa4j, ledger, live, Duration.ofSeconds(10));
        assertTrue(before.smaps().rss() >= bytes, "every written page is resident: " + before.smaps());

        Collections.shuffle(live, random);
        List<PatternLedger.Tracked> kept = new ArrayList<>(live.subList(0, live.size() / 10));
        Fleet.freeAll(hpa4j, ledger, live.subList(kept.size(), live.size()));
        long freedAt = System.nanoTime();
        AtomicReference<AllocatorStats> last = new AtomicReference<>();
        await("Rss drop")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    AllocatorStats stats = It.get(hpa4j.stats());
                    last.set(stats);
                    long accounted = (stats.total().nactive() + stats.total().ndirty()) * Pages.PAGE;
                    assertTrue(
                            stats.smaps().rss() <= before.smaps().rss() / 5,
                            "Rss " + stats.smaps() + " after freeing 90 % of "
                                    + before.smaps().rss());
                    assertTrue(
                            stats.smaps().rss() <= accounted,
                            "Rss " + stats.smaps() + " exceeds active + dirty " + accounted);
                });
        System.out.printf(
                "purge: freeing 90%% of %,d bytes dropped Rss from %,d to %,d bytes in %d ms%n",
                bytes, before.smaps().rss(), last.get().smaps().rss(), (System.nanoTime() - freedAt) / 1_000_000);
        Invariants.assertAfterQuiescence(hpa4j, ledger, kept, Duration.ofSeconds(10));
        Fleet.freeAll(hpa4j, ledger, kept);
        assertEquals(0, It.get(hpa4j.stop()).liveExtents());
    }
}
