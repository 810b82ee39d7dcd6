package io.github.hpa4j.testkit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A monotonic clock the test moves by hand, shaped as core's {@code Clock} ({@link #nanoTime()}),
 * safe to read from any thread while the test moves it. It starts one second after its origin, so
 * that a stamp of zero never looks like "now".
 *
 * <p>Not final: a module whose code takes core's {@code Clock} subclasses it once with {@code
 * implements Clock}, and every test of that module keeps writing {@code new ManualClock()}.
 */
public class ManualClock {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    /** A clock at one second. */
    public ManualClock() {}

    /**
     * The time the test has moved the clock to.
     *
     * @return nanoseconds from the clock's origin
     */
    public long nanoTime() {
        return nanos.get();
    }

    /**
     * Moves the clock forward.
     *
     * @param d how far; not negative
     */
    public void advance(Duration d) {
        advanceNanos(d.toNanos());
    }

    /**
     * Moves the clock forward.
     *
     * @param millis how far, in milliseconds; not negative
     */
    public void advanceMillis(long millis) {
        advanceNanos(Math.multiplyExact(millis, 1_000_000L));
    }

    private void advanceNanos(long delta) {
        if (delta < 0) {
            throw new IllegalArgumentException("a monotonic clock does not go back: " + delta + " ns");
        }
        nanos.addAndGet(delta);
    }
}
