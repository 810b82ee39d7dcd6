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
 * hpa4j's public API with its front cache on (the reference settings): a pair is
 * {@code allocateNow} + {@code freeNow}, served from the calling thread's cache and sending a
 * message only on a miss (a batch refill) or when a bin overflows (a batch flush). The batch row
 * goes through {@code allocateBatch} / {@code freeBatch}, which the cache serves the same way.
 * {@code safety} is {@code hpa4j.safety.level}: the suite runs {@code standard}; the cost of
 * {@code checked} is measured by running it with {@code -p safety=standard,checked}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HpaCachedBenchmark extends Hpa4jTrial {
    @Param({"4096", "16384", "65536"})
    public int size;

    @Param({"standard"})
    public String safety;

    @Setup
    public void start() {
        startHpa4j("hpa-cached", "hpa4j.safety.level = " + safety);
    }

    @Benchmark
    public Allocation pair() {
        return nowPair(size);
    }

    @Benchmark
    public List<Allocation> batch() {
        return batchPair(size);
    }
}
