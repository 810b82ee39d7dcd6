package io.github.hpa4j.actors;

import io.github.hpa4j.core.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The core shards' clock, moved by the test (see {@link TimeControl}); read from any thread. */
final class ManualClock implements Clock {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }
}
