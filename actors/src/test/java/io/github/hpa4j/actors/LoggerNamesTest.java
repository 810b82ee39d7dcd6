package io.github.hpa4j.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.hpa4j.core.Pages;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What hpa4j logs is under its own class names, so an application sets levels by name; never under
 * Akka's (akka.actor.ActorCell for a supervised actor's context logger).
 */
class LoggerNamesTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = TestAllocators.manualTimeKit();

    @Test
    void shouldLogTheStartLineAndAShardsBackoffUnderHpa4jClassNames() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger hpa4jLogger = (Logger) LoggerFactory.getLogger("io.github.hpa4j");
        Level before = hpa4jLogger.getLevel();
        hpa4jLogger.setLevel(Level.INFO); // the tests' configuration keeps hpa4j at WARN
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        try {
            TimeControl time = new TimeControl(ManualTime.get(testKit.system()));
            FakePageHooks hooks = new FakePageHooks();
            Hpa4j hpa4j = TestAllocators.start(testKit, TestAllocators.defaults(), hooks, time.clock);
            ShardClient shard = new ShardClient(testKit, hpa4j.shard(0));
            List<Allocation> pages = shard.allocate(Pages.PAGE, Pages.HUGEPAGE_PAGES);
            hooks.failNext(FakePageHooks.Op.PURGE, 1);
            shard.free(pages.subList(0, Pages.HUGEPAGE_PAGES / 2)); // far above dirty-mult: a purge, which fails
            shard.awaitSnapshot(s -> assertEquals(1, s.stats().counters().npurgeAborts()));
            hpa4j.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);

            List<ILoggingEvent> events = List.copyOf(appender.list);
            assertTrue(
                    events.stream()
                            .anyMatch(e -> e.getLoggerName().equals(Hpa4j.class.getName())
                                    && e.getFormattedMessage()
                                            .startsWith(hpa4j.name() + " started: FakePageHooks page hooks, 1 shards")),
                    "one start line: " + events);
            assertTrue(
                    events.stream()
                            .anyMatch(e -> e.getLoggerName().equals(ShardActor.class.getName())
                                    && e.getFormattedMessage().contains("a page job failed")),
                    "the shard's back-off: " + events);
            assertTrue(
                    events.stream()
                            .filter(e -> e.getFormattedMessage().contains("shard"))
                            .allMatch(e -> e.getLoggerName().startsWith("io.github.hpa4j.")),
                    "no shard line under Akka: " + events);
        } finally {
            root.detachAppender(appender);
            hpa4jLogger.setLevel(before);
        }
    }
}
