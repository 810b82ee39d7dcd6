package io.github.hpa4j.core;

/**
 * Time as the policy sees it: jemalloc's {@code curtime} / {@code ms_since} hooks. Tests drive it by
 * hand; the bridge supplies a monotonic one.
 */
public interface Clock {
    /**
     * Monotonic nanoseconds from an arbitrary origin.
     *
     * @return the time now, in nanoseconds
     */
    long nanoTime();

    /**
     * {@return whole milliseconds from {@code pastNanos} to now}
     *
     * @param pastNanos an earlier {@link #nanoTime()}
     */
    default long millisSince(long pastNanos) {
        long elapsed = nanoTime() - pastNanos;
        return elapsed <= 0 ? 0 : elapsed / 1_000_000L;
    }
}
