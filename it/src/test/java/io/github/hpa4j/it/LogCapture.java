package io.github.hpa4j.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The events one of hpa4j's loggers writes while a test runs, for tests that assert on reports.
 * While it captures, the logger writes nowhere else: the reports a test provokes on purpose are its
 * assertions' business, not lines for a reader of the build to chase.
 */
final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture(String loggerName) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
        logger.setAdditive(false);
    }

    List<ILoggingEvent> events() {
        // AppenderBase appends while holding the appender's monitor, so that is the lock to share.
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** Whether the event's throwable (the allocation site) has a frame in {@code method}. */
    static boolean siteNames(ILoggingEvent event, String method) {
        return event.getThrowableProxy() instanceof ThrowableProxy proxy
                && Arrays.stream(proxy.getThrowable().getStackTrace())
                        .anyMatch(frame -> frame.getMethodName().equals(method));
    }

    @Override
    public void close() {
        logger.setAdditive(true);
        logger.detachAppender(appender);
    }
}
