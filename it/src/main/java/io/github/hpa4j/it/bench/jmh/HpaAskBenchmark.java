package io.github.hpa4j.it.bench.jmh;

import io.github.hpa4j.actors.Allocation;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * hpa4j through its CompletionStage facade from plain threads: every call is an Akka ask (temporary
 * actor ref, future, timeout) to the thread's shard, and the caller blocks on the answer as a
 * synchronous allocator API would. Reference settings (two shards here, collapse, deferral on),
 * except that the front cache is off: this row is the cost of one ask per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HpaAskBenchmark extends Hpa4jTrial {
    @Param({"4096", "16384", "65536"})
    public int size;

    @Setup
    public void start() {
        startHpa4j("hpa-ask", "hpa4j.cache.enabled = off");
    }

    /** One ask to allocate, one ask to free. */
    @Benchmark
    public Allocation pair() {
        Allocation allocation = hpa4j.allocate(size).toCompletableFuture().join();
        hpa4j.free(allocation).toCompletableFuture().join();
        return allocation;
    }

    /** One ask allocating 64, one ask freeing them. */
    @Benchmark
    public List<Allocation> batch() {
        return batchPair(size);
    }
}
