package io.github.hpa4j.actors;

import org.junit.jupiter.api.extension.Extension;
import org.slf4j.LoggerFactory;

/**
 * Initializes SLF4J on the test runner's thread before any test class starts an actor system.
 * Otherwise Akka's threads log while SLF4J is still initializing on another one, and SLF4J prints
 * a replay notice that looks like a problem but is not one. Registered through the
 * {@code junit.jupiter.extensions.autodetection.enabled} property, so no test has to name it.
 */
public final class LoggingInitializedFirst implements Extension {
    static {
        LoggerFactory.getILoggerFactory();
    }
}
