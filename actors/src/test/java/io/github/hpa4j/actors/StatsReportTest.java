package io.github.hpa4j.actors;

import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.core.Pages;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The text report names what a reader looks for first, with the figures of the snapshot. */
class StatsReportTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    @Test
    void shouldReportMemoryDeferredWorkCacheBinsAndShardsOfTheSnapshot() throws Exception {
        Hpa4j hpa4j = TestAllocators.start(
                testKit, TestAllocators.defaults().withShards(2), new FakePageHooks(), new ManualClock());
        new ShardClient(testKit, hpa4j.shard(1)).allocate(Pages.PAGE, 10);
        AllocatorStats stats = hpa4j.stats().toCompletableFuture().get(5, TimeUnit.SECONDS);

        String report = StatsReport.render(stats);

        assertTrue(report.startsWith("___ Begin hpa4j statistics ___\n"), report);
        assertTrue(report.endsWith("___ End hpa4j statistics ___\n"), report);
        assertTrue(report.matches("(?s).*held by callers +40\\.0 KiB\n.*"), report);
        assertTrue(report.matches("(?s).*live extents +10 \\(40\\.0 KiB\\)\n.*"), report);
        assertTrue(report.matches("(?s).*Budget: +unlimited.*"), report);
        assertTrue(
                report.matches("(?s).*\n  nonfull, free run [^\n]*\n.*"),
                "a bin row for the partly used slab: " + report);
        assertTrue(report.matches("(?s).*\n  1 +1 +0 +40\\.0 KiB +0 B +10 .*"), "shard 1's row: " + report);
        assertTrue(report.matches("(?s).*\n  0 +0 +0 +0 B +0 B +0 .*"), "shard 0's row: " + report);
        hpa4j.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldKeepToStringToOneShortLine() throws Exception {
        Hpa4j hpa4j = TestAllocators.start(testKit, TestAllocators.defaults(), new FakePageHooks(), new ManualClock());
        new ShardClient(testKit, hpa4j.shard(0)).allocate(Pages.PAGE, 3);
        String line =
                hpa4j.stats().toCompletableFuture().get(5, TimeUnit.SECONDS).toString();

        assertTrue(line.length() < 200 && !line.contains("\n"), line);
        assertTrue(
                line.startsWith("AllocatorStats[held 12.0 KiB, active 12.0 KiB, dirty 0 B, 1 slabs in 1 shards"), line);
        hpa4j.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
