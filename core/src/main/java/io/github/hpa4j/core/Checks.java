package io.github.hpa4j.core;

/**
 * Whether the expensive consistency checks (recomputing a slab's counters from its bitmaps on every
 * mutation, re-adding the slab set's bin stats) run. jemalloc compiles them in with
 * {@code config_debug}; here the system property {@code hpa4j.checks=true} turns them on (the test
 * build does). The flag is a {@code static final} so the JIT drops the checks when it is off, as
 * Agrona does with {@code SHOULD_BOUNDS_CHECK}.
 */
final class Checks {
    static final boolean ENABLED = Boolean.getBoolean("hpa4j.checks");

    private Checks() {}

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("hpa4j consistency check failed: " + what);
        }
    }
}
