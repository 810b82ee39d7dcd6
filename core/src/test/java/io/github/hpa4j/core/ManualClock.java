package io.github.hpa4j.core;

/** A clock the test moves by hand. */
final class ManualClock implements Clock {
    private long nanos = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return nanos;
    }

    void advanceMillis(long millis) {
        nanos += millis * 1_000_000L;
    }
}
