package io.github.hpa4j.it.bench;

import akka.actor.typed.ActorSystem;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
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
import org.openjdk.jmh.annotations.TearDown;

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
public class HpaCachedBenchmark {
    @Param({"4096", "16384", "65536"})
    public int size;

    @Param({"standard"})
    public String safety;

    private ActorSystem<Void> system;
    private Hpa4j hpa4j;

    @Setup
    public void start() {
        system = BenchAkka.start("hpa-cached", "hpa4j.safety.level = " + safety);
        hpa4j = Hpa4j.get(system);
    }

    @TearDown
    public void stop() {
        BenchAkka.stop(system, hpa4j);
    }

    @Benchmark
    public Allocation pair() {
        Allocation allocation = hpa4j.allocateNow(size);
        hpa4j.freeNow(allocation);
        return allocation;
    }

    @Benchmark
    public List<Allocation> batch() {
        List<Allocation> allocations =
                hpa4j.allocateBatch(size, Shapes.BATCH).toCompletableFuture().join();
        hpa4j.freeBatch(allocations).toCompletableFuture().join();
        return allocations;
    }
}
