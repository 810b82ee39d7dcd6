package io.github.hpa4j.it.bench;

import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * What one JMH thread of an actor-loop benchmark keeps: its latency histogram, recording only during
 * measurement iterations so that warm-up does not pollute the percentiles.
 */
final class ActorLoopState {
    private final Histogram latencies = LatencyLog.newHistogram();
    private boolean measuring;

    void iterationStarts(IterationParams iteration) {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
    }

    RoundTrips request(long bytes, int count, int rounds) {
        return new RoundTrips(bytes, count, rounds, measuring ? latencies : null, new CompletableFuture<>());
    }

    void trialEnds(BenchmarkParams params, int threadIndex) {
        LatencyLog.write(params, threadIndex, latencies);
    }
}
