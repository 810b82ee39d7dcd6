package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.Pages;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A handle that becomes unreachable without a free is reported, as Netty's leak detector does: at
 * {@code paranoid} every one, naming where it was allocated; at {@code standard} the sampled ones,
 * pointing at {@code paranoid} for the site. Freed handles are never reported. Real memory, cache on
 * and off.
 */
class LeakReportTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final int LEAKED = 20;

    private static Hpa4j start(String cache, String level) {
        return It.startOnRealMemory(
                testKit,
                "hpa4j.shards = 1",
                "hpa4j.cache.enabled = " + cache,
                "hpa4j.safety.level = " + level,
                "hpa4j.safety.leak-sampling = 1");
    }

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"on", "off"})
    void paranoidReportsEveryLeakedHandleWithItsAllocationSite(String cache) {
        List<ILoggingEvent> reports = leakAndReport(cache, "paranoid");
        assertTrue(
                reports.stream()
                        .allMatch(e -> e.getFormattedMessage().contains("LEAK") && LogCapture.siteNames(e, "leakSome")),
                "each report names the method that allocated");
    }

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"on", "off"})
    void standardReportsSampledLeaksWithoutASite(String cache) {
        List<ILoggingEvent> reports = leakAndReport(cache, "standard");
        assertTrue(
                reports.stream()
                        .allMatch(e -> e.getFormattedMessage().contains("paranoid") && e.getThrowableProxy() == null),
                "a hint instead of a site");
    }

    /* Frees some handles and leaks others at this safety level; returns the leak reports logged. */
    private static List<ILoggingEvent> leakAndReport(String cache, String level) {
        Hpa4j hpa4j = start(cache, level);
        try (LogCapture log = new LogCapture("io.github.hpa4j.actors.LeakDetector")) {
            freeSome(hpa4j);
            leakSome(hpa4j);
            return awaitReports(hpa4j, log);
        } finally {
            It.get(hpa4j.stop());
        }
    }

    /* Freed handles, dropped: must never be reported. */
    private static void freeSome(Hpa4j hpa4j) {
        for (int i = 0; i < 100; i++) {
            hpa4j.freeNow(hpa4j.allocateNow(Pages.PAGE));
        }
    }

    private static void leakSome(Hpa4j hpa4j) {
        for (int i = 0; i < LEAKED; i++) {
            hpa4j.allocateNow(2 * Pages.PAGE); // dropped at once: nobody frees it
        }
    }

    /* Every leaked handle is reported once the collector has found it, and nothing else is. */
    private static List<ILoggingEvent> awaitReports(Hpa4j hpa4j, LogCapture log) {
        await("leaks reported")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    System.gc();
                    return It.get(hpa4j.stats()).safety().leaksReported() >= LEAKED;
                });
        assertEquals(LEAKED, It.get(hpa4j.stats()).safety().leaksReported(), "the freed ones are not leaks");
        List<ILoggingEvent> reports = log.events();
        assertEquals(LEAKED, reports.size());
        return reports;
    }
}
