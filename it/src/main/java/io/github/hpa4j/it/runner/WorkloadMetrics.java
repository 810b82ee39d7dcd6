package io.github.hpa4j.it.runner;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the clients measure, shared between them, the progress reporter and the report. Latencies
 * go into one HdrHistogram {@link Recorder} per phase and operation (wait-free for the recording
 * threads); the histograms are read once, at the end.
 */
final class WorkloadMetrics {
    /** Three significant digits, auto-resizing: enough for percentiles from 1 µs to minutes. */
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Map<Phase, Recorder> allocNanos = new EnumMap<>(Phase.class);
    private final Map<Phase, Recorder> freeNanos = new EnumMap<>(Phase.class);
    private final LongAdder operations = new LongAdder();
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong liveAllocations = new AtomicLong();

    WorkloadMetrics() {
        for (Phase phase : Phase.values()) {
            allocNanos.put(phase, new Recorder(SIGNIFICANT_DIGITS));
            freeNanos.put(phase, new Recorder(SIGNIFICANT_DIGITS));
        }
    }

    void allocated(Phase phase, long bytes, long nanos) {
        allocNanos.get(phase).recordValue(Math.max(1, nanos));
        liveBytes.addAndGet(bytes);
        liveAllocations.incrementAndGet();
        operations.increment();
    }

    void freed(Phase phase, long bytes, long nanos) {
        freeNanos.get(phase).recordValue(Math.max(1, nanos));
        liveBytes.addAndGet(-bytes);
        liveAllocations.decrementAndGet();
        operations.increment();
    }

    /** Allocations freed at teardown: they leave the live figures but are not timed. */
    void released(long bytes, int count) {
        liveBytes.addAndGet(-bytes);
        liveAllocations.addAndGet(-count);
    }

    /** Allocations and frees completed so far. */
    long operations() {
        return operations.sum();
    }

    /** Bytes of live allocations (page-rounded, as hpa4j hands them out). */
    long liveBytes() {
        return liveBytes.get();
    }

    long liveAllocations() {
        return liveAllocations.get();
    }

    /** The recorded latencies, per phase. Call once, after the clients stopped: it resets the recorders. */
    Latencies drain() {
        Map<Phase, Histogram> allocs = new EnumMap<>(Phase.class);
        Map<Phase, Histogram> frees = new EnumMap<>(Phase.class);
        for (Phase phase : Phase.values()) {
            allocs.put(phase, allocNanos.get(phase).getIntervalHistogram());
            frees.put(phase, freeNanos.get(phase).getIntervalHistogram());
        }
        return new Latencies(allocs, frees);
    }

    /** Latency histograms in nanoseconds, per phase, for allocations and frees. */
    record Latencies(Map<Phase, Histogram> alloc, Map<Phase, Histogram> free) {
        Histogram allocTotal() {
            return sum(alloc);
        }

        Histogram freeTotal() {
            return sum(free);
        }

        long operations(Phase phase) {
            return alloc.get(phase).getTotalCount() + free.get(phase).getTotalCount();
        }

        private static Histogram sum(Map<Phase, Histogram> byPhase) {
            Histogram total = new Histogram(SIGNIFICANT_DIGITS);
            byPhase.values().forEach(total::add);
            return total;
        }
    }
}
