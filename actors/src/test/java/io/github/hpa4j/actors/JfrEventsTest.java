package io.github.hpa4j.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import io.github.hpa4j.core.MemoryBudgetExceededException;
import io.github.hpa4j.core.Pages;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JFR recording of one allocator's life holds an event for each thing it does to memory, with
 * its bytes and durations, read back from the file as a user's JDK Mission Control would.
 */
class JfrEventsTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = TestAllocators.manualTimeKit();

    private static final List<String> KINDS = List.of(
            "SlabGrowth",
            "EdenMap",
            "Purge",
            "Hugify",
            "Dehugify",
            "CacheRefill",
            "CacheFlush",
            "BudgetRefusal",
            "AllocatorStop");

    @Test
    void shouldRecordGrowthMapsPurgesHugifiesCacheTrafficRefusalsAndStop(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hpa4j.jfr");
        try (Recording recording = new Recording()) {
            for (String kind : KINDS) {
                recording.enable("io.github.hpa4j." + kind).withThreshold(java.time.Duration.ZERO);
            }
            recording.start();
            liveAllocatorLifecycle();
            budgetRefusal();
            recording.stop();
            recording.dump(file);
        }

        Map<String, List<RecordedEvent>> byKind = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().startsWith("io.github.hpa4j."))
                .collect(Collectors.groupingBy(e -> e.getEventType().getName().substring("io.github.hpa4j.".length())));
        for (String kind : KINDS) {
            assertFalse(byKind.getOrDefault(kind, List.of()).isEmpty(), "no " + kind + " event in " + byKind.keySet());
            assertTrue(byKind.get(kind).get(0).getEventType().getCategoryNames().contains("hpa4j"));
        }

        assertTrue(
                byKind.get("EdenMap").stream().anyMatch(e -> e.getLong("bytes") == 4 * Pages.HUGEPAGE),
                "eden maps edenHugepages at a time");
        assertTrue(byKind.get("SlabGrowth").stream().anyMatch(e -> e.getBoolean("succeeded")));
        // Any allocator of the JVM records while the recording runs, so each check looks for ours.
        assertTrue(
                byKind.get("Hugify").stream()
                        .anyMatch(e -> e.getLong("bytes") == Pages.HUGEPAGE
                                && e.getBoolean("succeeded")
                                && !e.getDuration().isNegative()),
                "the full slab hugified");
        assertTrue(byKind.get("Dehugify").stream().anyMatch(e -> e.getLong("bytes") == Pages.HUGEPAGE));
        assertTrue(
                byKind.get("Purge").stream()
                        .anyMatch(e -> e.getLong("bytes") == Pages.HUGEPAGE / 2 && e.getBoolean("succeeded")),
                "the freed half went back in one range");
        assertTrue(
                byKind.get("CacheRefill").stream()
                        .anyMatch(e -> e.getLong("extentBytes") == Pages.PAGE && e.getInt("extents") >= 1),
                "the miss of allocateNow(one page)");
        assertTrue(byKind.get("CacheFlush").stream()
                        .mapToLong(e -> e.getLong("bytes"))
                        .sum()
                >= Pages.PAGE);
        assertTrue(
                byKind.get("BudgetRefusal").stream()
                        .anyMatch(e -> e.getLong("limitBytes") == Pages.HUGEPAGE
                                && e.getLong("requestedBytes") + e.getLong("heldBytes") > Pages.HUGEPAGE),
                "the bounded allocator's");
        assertTrue(byKind.get("AllocatorStop").stream()
                .anyMatch(e -> e.getLong("slabs") == 1 && e.getLong("liveExtents") == Pages.HUGEPAGE_PAGES / 2));
    }

    /* A slab filled, hugified after the delay, half freed (dehugify, purge); a cache miss and a trim; a stop. */
    private static void liveAllocatorLifecycle() throws Exception {
        TimeControl time = new TimeControl(ManualTime.get(testKit.system()));
        Hpa4j hpa4j = TestAllocators.start(
                testKit, TestAllocators.defaults().withEdenHugepages(4), new FakePageHooks(), time.clock);
        ShardClient shard = new ShardClient(testKit, hpa4j.shard(0));
        List<Allocation> pages = shard.allocate(Pages.PAGE, Pages.HUGEPAGE_PAGES);
        time.advanceMillis(hpa4j.settings().shardOptions().hugifyDelayMs());
        shard.awaitSnapshot(s -> assertEquals(1, s.stats().counters().nhugifies()));
        shard.free(pages.subList(0, Pages.HUGEPAGE_PAGES / 2));
        shard.awaitSnapshot(s -> assertEquals(0, s.stats().ndirty()));

        hpa4j.freeNow(hpa4j.allocateNow(Pages.PAGE));
        hpa4j.trimCaches().toCompletableFuture().get(5, TimeUnit.SECONDS);
        hpa4j.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void budgetRefusal() throws Exception {
        Hpa4j bounded = TestAllocators.start(
                testKit,
                TestAllocators.defaults().withMaxMemory(Pages.HUGEPAGE),
                new FakePageHooks(),
                new ManualClock());
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class,
                () -> bounded.allocateBatch(64 * 1024, 64).get(5, TimeUnit.SECONDS));
        assertInstanceOf(MemoryBudgetExceededException.class, refused.getCause());
        bounded.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
