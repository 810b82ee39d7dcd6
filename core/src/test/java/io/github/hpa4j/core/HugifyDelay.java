package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** jemalloc's default hugify delay, 10 s, as a shard's deferred work keeps it. */
final class HugifyDelay {
    private HugifyDelay() {}

    /**
     * Checks that a candidate eligible from the clock's time, not yet hugified, is left alone a
     * millisecond short of the delay and hugified at it.
     */
    static void assertHugifiedAtTheDelayNotBefore(Shard shard, ManualClock clock, RecordingHooks hooks) {
        clock.advanceMillis(ShardOptions.DEFAULTS.hugifyDelayMs() - 1);
        shard.doDeferredWork();
        assertEquals(0, hooks.count("hugify"), "hugified before the delay");
        clock.advanceMillis(1);
        shard.doDeferredWork();
        assertEquals(1, hooks.count("hugify"), "hugified after the delay");
    }
}
