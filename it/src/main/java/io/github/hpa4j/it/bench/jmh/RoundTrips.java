package io.github.hpa4j.it.bench.jmh;

import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;

/**
 * One request to a client actor: do {@code rounds} operations back to back, record each one's
 * latency into {@code latencies} (null while warming up), then complete {@code done}. The JMH
 * thread pays one hand-off per request, amortised over all rounds.
 */
record RoundTrips(long bytes, int count, int rounds, Histogram latencies, CompletableFuture<Void> done) {}
