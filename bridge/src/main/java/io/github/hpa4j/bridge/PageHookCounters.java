package io.github.hpa4j.bridge;

import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link PageHookStats}. LongAdder: page workers update, a monitor reads rarely. */
final class PageHookCounters {
    final LongAdder mapCalls = new LongAdder();
    final LongAdder mapBytes = new LongAdder();
    final LongAdder unmapCalls = new LongAdder();
    final LongAdder unmapBytes = new LongAdder();
    final LongAdder purgeCalls = new LongAdder();
    final LongAdder purgeBytes = new LongAdder();
    final LongAdder hugifyCalls = new LongAdder();
    final LongAdder hugifyBytes = new LongAdder();
    final LongAdder dehugifyCalls = new LongAdder();
    final LongAdder dehugifyBytes = new LongAdder();
    final LongAdder collapses = new LongAdder();
    final LongAdder collapseFailures = new LongAdder();
    final LongAdder errors = new LongAdder();

    static void add(LongAdder calls, LongAdder bytes, long size) {
        calls.increment();
        bytes.add(size);
    }

    /**
     * Checks the range, makes the call, and counts it: as a success in {@code calls}/{@code bytes},
     * or, whatever it throws, in {@code errors}.
     */
    void count(String operation, long address, long size, LongAdder calls, LongAdder bytes, Runnable call) {
        try {
            PageRanges.checkRange(operation, address, size);
            call.run();
            add(calls, bytes, size);
        } catch (RuntimeException e) {
            errors.increment();
            throw e;
        }
    }

    PageHookStats snapshot() {
        return new PageHookStats(
                mapCalls.sum(),
                mapBytes.sum(),
                unmapCalls.sum(),
                unmapBytes.sum(),
                purgeCalls.sum(),
                purgeBytes.sum(),
                hugifyCalls.sum(),
                hugifyBytes.sum(),
                dehugifyCalls.sum(),
                dehugifyBytes.sum(),
                collapses.sum(),
                collapseFailures.sum(),
                errors.sum());
    }
}
