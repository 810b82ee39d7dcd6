package io.github.hpa4j.actors;

import akka.actor.testkit.typed.javadsl.ManualTime;
import java.time.Duration;

/**
 * Moves the two clocks a shard actor sees together: core's {@link ManualClock} (which the policy
 * reads: hugify delay, purge interval) first, then Akka's {@link ManualTime} (which fires the
 * shard's timers, armed from core's {@code nanosUntilDeferredWork()}).
 *
 * <p>Akka's ExplicitlyTriggeredScheduler runs a task scheduled with a delay of zero at once, when it
 * is scheduled; so work due now (a shard's first purge) starts without any advance. Tests that want
 * to catch such work hold its OS call at a {@link Gate}, or arm a failure, before the request that
 * makes it due.
 */
final class TimeControl {
    final ManualClock clock = new ManualClock();
    private final ManualTime manualTime;

    TimeControl(ManualTime manualTime) {
        this.manualTime = manualTime;
    }

    void advance(Duration d) {
        clock.advance(d);
        manualTime.timePasses(d);
    }

    void advanceMillis(long millis) {
        advance(Duration.ofMillis(millis));
    }
}
