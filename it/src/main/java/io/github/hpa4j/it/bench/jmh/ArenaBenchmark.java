package io.github.hpa4j.it.bench.jmh;

import io.github.hpa4j.it.bench.Shapes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * FFM arenas: malloc plus zeroing per allocation, free on close. A pair is one arena with one
 * allocation; a batch is one arena with 64, closed once. JMH generates the benchmarks for the
 * subclasses, which only say which kind of arena.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class ArenaBenchmark {
    @Param({"4096", "16384", "65536"})
    public int size;

    abstract Arena open();

    @Benchmark
    public long pair() {
        try (Arena arena = open()) {
            return arena.allocate(size).address();
        }
    }

    @Benchmark
    public void batch(Blackhole blackhole) {
        try (Arena arena = open()) {
            for (int i = 0; i < Shapes.BATCH; i++) {
                MemorySegment segment = arena.allocate(size);
                blackhole.consume(segment.address());
            }
        }
    }
}
