package io.github.hpa4j.it.bench.jmh;

import io.github.hpa4j.it.bench.LatencyLog;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.infra.ThreadParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * What one JMH thread of an actor-loop benchmark keeps, as the benchmark's own per-thread state:
 * its latency histogram, recording only during measurement iterations so that warm-up does not
 * pollute the percentiles, and written out when the trial ends.
 */
@State(Scope.Thread)
public abstract class ActorLoopState {
    private final Histogram latencies = LatencyLog.newHistogram();
    private boolean measuring;
    private BenchmarkParams params;
    int threadIndex;

    /** Who this JMH thread is; the subclass's trial set-up calls it first. */
    final void bind(BenchmarkParams params, ThreadParams thread) {
        this.params = params;
        this.threadIndex = thread.getThreadIndex();
    }

    @Setup(Level.Iteration)
    public void iterationStarts(IterationParams iteration) {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
    }

    final RoundTrips request(long bytes, int count, int rounds) {
        return new RoundTrips(bytes, count, rounds, measuring ? latencies : null, new CompletableFuture<>());
    }

    @TearDown
    public void trialEnds() {
        LatencyLog.write(params, threadIndex, latencies);
    }
}
