package io.github.hpa4j.core;

/** The kit's hand-moved clock as core's {@link Clock}, so that a test passes it where core takes one. */
final class ManualClock extends io.github.hpa4j.testkit.ManualClock implements Clock {}
