package io.github.hpa4j.actors;

import io.github.hpa4j.core.Clock;

/** The kit's hand-moved clock as core's {@link Clock}, moved by the test (see {@link TimeControl}). */
final class ManualClock extends io.github.hpa4j.testkit.ManualClock implements Clock {}
