package io.github.hpa4j.it.runner;

import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.ShutdownReport;
import java.time.LocalDateTime;

/**
 * Everything a finished run produced, for the {@link Report} and the {@link TimelineChart}.
 *
 * @param options        what was asked for
 * @param startedAt      wall-clock start
 * @param seconds        wall time from the first allocation to the end of the idle phase
 * @param timeline       samples and phase spans
 * @param latencies      per-phase latency histograms
 * @param endOfChurn     the allocator at the end of the churn phase (its busiest steady state)
 * @param atEnd          the allocator at the end of the idle phase
 * @param shutdown       what stopping the allocator took back, after the clients freed everything
 * @param processPeakRss the JVM's peak resident bytes (VmHWM), or -1
 */
record RunData(
        RunnerOptions options,
        LocalDateTime startedAt,
        double seconds,
        Timeline timeline,
        WorkloadMetrics.Latencies latencies,
        AllocatorStats endOfChurn,
        AllocatorStats atEnd,
        ShutdownReport shutdown,
        long processPeakRss) {}
