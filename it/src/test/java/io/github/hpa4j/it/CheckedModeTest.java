package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.SafetySettings;
import io.github.hpa4j.core.Pages;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code hpa4j.safety.level = checked} on real memory, cache on and off: access through a freed
 * allocation's segment throws at once; a write after free that bypasses the segment (a raw address,
 * as native code would write) is caught when the extent leaves quarantine, reported with where the
 * allocation was made; clean use reports nothing, and a freed extent is not handed out again while
 * it is quarantined.
 */
class CheckedModeTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final long QUARANTINE = 1L << 20;

    private static Hpa4j start(String cache) {
        return It.startOnRealMemory(
                testKit,
                "hpa4j.shards = 1",
                "hpa4j.cache.enabled = " + cache,
                "hpa4j.safety.level = checked",
                "hpa4j.safety.quarantine-bytes = " + QUARANTINE);
    }

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"on", "off"})
    void accessThroughAFreedAllocationsSegmentThrows(String cache) {
        Hpa4j hpa4j = start(cache);
        Allocation a = hpa4j.allocateNow(2 * Pages.PAGE);
        MemorySegment segment = a.segment();
        segment.fill((byte) 1);
        hpa4j.freeNow(a);
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> segment.set(ValueLayout.JAVA_LONG, 0, 1L));
        assertThrows(IllegalStateException.class, () -> segment.asByteBuffer().get(0));
        It.get(hpa4j.stop());
    }

    // Restricted FFM call, allowed at run time by --enable-native-access (hpa4j.jvm.flags).
    @SuppressWarnings("restricted")
    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"on", "off"})
    void aWriteAfterFreeIsReportedWithTheAllocationSiteWhenTheExtentLeavesQuarantine(String cache) {
        Hpa4j hpa4j = start(cache);
        try (LogCapture log = new LogCapture("io.github.hpa4j.actors.Quarantine")) {
            Allocation victim = hpa4j.allocateNow(3 * Pages.PAGE);
            MemorySegment raw = MemorySegment.ofAddress(victim.address()).reinterpret(victim.size());
            hpa4j.freeNow(victim);
            Allocation next = hpa4j.allocateNow(3 * Pages.PAGE);
            assertNotEquals(victim.address(), next.address(), "a quarantined extent is not handed out again");
            raw.set(ValueLayout.JAVA_LONG, Pages.PAGE + 64, 0xBADL); // the stale write
            hpa4j.freeNow(next);
            It.get(hpa4j.trimCaches()); // empties the quarantine: every extent leaving it is checked

            AllocatorStats stats = It.get(hpa4j.stats());
            assertEquals(SafetySettings.Level.CHECKED, stats.safety().level());
            assertEquals(1, stats.safety().writesAfterFree(), "one extent was written to after its free");
            List<ILoggingEvent> reports = log.events();
            assertEquals(1, reports.size());
            String message = reports.get(0).getFormattedMessage();
            assertTrue(
                    message.contains("write after free")
                            && message.contains("offset " + (Pages.PAGE + 64))
                            && message.contains(Long.toHexString(victim.address())),
                    message);
            assertTrue(
                    LogCapture.siteNames(
                            reports.get(0),
                            "aWriteAfterFreeIsReportedWithTheAllocationSiteWhenTheExtentLeavesQuarantine"),
                    "the report names where the allocation was made");
            assertEquals(0, stats.total().liveExtents(), "checked or not, everything went back");
        }
        It.get(hpa4j.stop());
    }

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"on", "off"})
    void cleanUseReportsNothingAndTheQuarantineStaysBounded(String cache) {
        Hpa4j hpa4j = start(cache);
        for (int i = 0; i < 2_000; i++) {
            Allocation a = hpa4j.allocateNow((1 + i % 8) * Pages.PAGE);
            a.segment().fill((byte) i);
            hpa4j.freeNow(a);
        }
        AllocatorStats stats = It.get(hpa4j.stats());
        assertEquals(0, stats.safety().writesAfterFree());
        assertTrue(
                stats.safety().quarantinedBytes() > 0 && stats.safety().quarantinedBytes() <= QUARANTINE,
                "quarantined " + stats.safety().quarantinedBytes());
        It.get(hpa4j.trimCaches());
        assertEquals(0, It.get(hpa4j.stats()).total().liveExtents());
        It.get(hpa4j.stop());
    }
}
