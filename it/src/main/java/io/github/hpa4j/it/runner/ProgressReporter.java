package io.github.hpa4j.it.runner;

import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.ShardCounters;
import io.github.hpa4j.it.text.Fmt;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the allocator once a second into the {@link Timeline} and prints one progress line per
 * sample. Sampling asks every shard for its stats and reads smaps (a few ms), so once a second costs
 * well under 1 % of a core. Phase boundaries add unprinted samples via {@link #sample()}.
 */
final class ProgressReporter implements AutoCloseable {
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final Hpa4j allocator;
    private final WorkloadMetrics metrics;
    private final Timeline timeline;
    private final ProcessMemory process;
    private final PrintStream out;
    private final long startNanos;
    private final Duration statsTimeout;
    private final ScheduledExecutorService scheduler;
    private volatile Phase phase = Phase.GROW;
    /** The last printed sample, for ops/s; touched only by the scheduler thread. */
    private Sample lastPrinted;

    ProgressReporter(
            Hpa4j allocator,
            WorkloadMetrics metrics,
            Timeline timeline,
            ProcessMemory process,
            PrintStream out,
            long startNanos) {
        this.allocator = allocator;
        this.metrics = metrics;
        this.timeline = timeline;
        this.process = process;
        this.out = out;
        this.startNanos = startNanos;
        this.statsTimeout = allocator.settings().askTimeout().multipliedBy(2);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("workload-progress").daemon().factory());
    }

    // The task runs until the scheduler is shut down; its future has nothing else to tell.
    @SuppressWarnings("FutureReturnValueIgnored")
    void start() {
        scheduler.scheduleAtFixedRate(this::tick, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The phase the next samples are labelled with. */
    void phase(Phase phase) {
        this.phase = phase;
    }

    /**
     * Takes a sample now and adds it to the timeline; null when the allocator did not answer.
     * Synchronized: the runner's boundary samples and the periodic ones must reach the timeline in
     * time order.
     */
    synchronized Sample sample() {
        AllocatorStats stats;
        try {
            stats = allocator.stats().toCompletableFuture().get(statsTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            out.println("  (no stats this second: " + e + ")");
            return null;
        }
        Sample sample = of(stats, seconds(), phase, metrics, process.rss());
        timeline.add(sample);
        return sample;
    }

    static Sample of(AllocatorStats stats, double seconds, Phase phase, WorkloadMetrics metrics, long processRss) {
        ShardCounters counters = stats.total().counters();
        return new Sample(
                seconds,
                phase,
                metrics.operations(),
                metrics.liveBytes(),
                stats.activeBytes(),
                stats.dirtyBytes(),
                stats.smaps().rss(),
                stats.smaps().anonHugePages(),
                processRss,
                stats.fragmentedFreeBytes(),
                counters.npurgePasses(),
                counters.nhugifies(),
                counters.ndehugifies());
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void tick() {
        try {
            Sample s = sample();
            if (s == null) {
                return;
            }
            double opsPerSecond = lastPrinted == null
                    ? s.operations() / Math.max(s.seconds(), 1e-3)
                    : (s.operations() - lastPrinted.operations()) / Math.max(s.seconds() - lastPrinted.seconds(), 1e-3);
            lastPrinted = s;
            out.println(line(s, opsPerSecond));
        } catch (RuntimeException e) {
            // A failed line must not end the schedule (a thrown exception would cancel it).
            out.println("  (progress line failed: " + e + ")");
        }
    }

    static String line(Sample s, double opsPerSecond) {
        return String.format(
                Locale.ROOT,
                "[%5.1fs] %-5s  ops/s %6s  live %9s  Rss %9s  AnonHugePages %9s (%3.0f%%)  dirty %6d pages  purges %4d  hugifies %4d",
                s.seconds(),
                s.phase().label(),
                Fmt.rate(opsPerSecond),
                Fmt.bytes(s.liveBytes()),
                Fmt.bytes(s.rss()),
                Fmt.bytes(s.anonHugePages()),
                s.hugepageCoverage() * 100,
                s.dirtyPages(),
                s.purgePasses(),
                s.hugifies());
    }

    @Override
    public void close() {
        scheduler.shutdown(); // cancels the schedule without interrupting a sample in progress
        try {
            scheduler.awaitTermination(statsTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
