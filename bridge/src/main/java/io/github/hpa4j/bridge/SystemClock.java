package io.github.hpa4j.bridge;

import io.github.hpa4j.core.Clock;

/** The real, monotonic {@link Clock}: {@link System#nanoTime()}. Stateless and thread-safe. */
public final class SystemClock implements Clock {
    /** The one instance: it has no state. */
    public static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {}

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }
}
