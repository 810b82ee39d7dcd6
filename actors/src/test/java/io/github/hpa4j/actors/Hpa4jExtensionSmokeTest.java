package io.github.hpa4j.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.core.Pages;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The extension on real memory, configured from reference.conf. */
class Hpa4jExtensionSmokeTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    @Test
    void shouldAllocateWriteReadAndFreeRealMemoryThroughTheFacade() throws Exception {
        Hpa4j hpa4j = Hpa4j.get(testKit.system());
        List<Allocation> batch =
                hpa4j.allocateBatch(10_000, 16).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(16, batch.size());
        for (Allocation a : batch) {
            assertEquals(3 * Pages.PAGE, a.size());
            a.segment().fill((byte) 0x5A);
            a.segment().set(ValueLayout.JAVA_LONG, a.size() - 8, a.address());
        }
        for (Allocation a : batch) {
            assertEquals(a.address(), a.segment().get(ValueLayout.JAVA_LONG, a.size() - 8));
        }
        // The batch's miss restocks the tier behind it: read the stats once that stock has landed.
        testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
            assertTrue(hpa4j.front().settled());
            return null;
        });
        AllocatorStats stats = hpa4j.stats().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(16 * 3 * Pages.PAGE, stats.heldBytes(), "active, less what the front cache holds");
        assertEquals(16 * 3 * Pages.PAGE + stats.cache().cachedBytes(), stats.activeBytes());
        assertTrue(stats.smaps().rss() >= 16 * 3 * Pages.PAGE, "touched pages are resident: " + stats.smaps());
        hpa4j.freeBatch(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
        hpa4j.trimCaches().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(
                0,
                hpa4j.stats()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS)
                        .total()
                        .nactive());
        assertTrue(Hpa4j.get(testKit.system()) == hpa4j, "one extension per system");
    }
}
