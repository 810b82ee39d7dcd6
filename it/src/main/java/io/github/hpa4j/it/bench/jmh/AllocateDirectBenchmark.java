package io.github.hpa4j.it.bench.jmh;

import io.github.hpa4j.it.bench.Shapes;
import java.nio.ByteBuffer;
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
 * {@code ByteBuffer.allocateDirect}: malloc plus zeroing plus a Cleaner. There is no explicit free;
 * dropping the buffer is the free, and the memory comes back when a GC runs its Cleaner, so this
 * measures the allocation path and the GC work it causes (including the System.gc() the JDK itself
 * calls when the direct-memory limit is reached).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AllocateDirectBenchmark {
    @Param({"4096", "16384", "65536"})
    public int size;

    @Benchmark
    public ByteBuffer pair() {
        return ByteBuffer.allocateDirect(size);
    }

    @Benchmark
    public void batch(Blackhole blackhole) {
        ByteBuffer[] buffers = new ByteBuffer[Shapes.BATCH];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = ByteBuffer.allocateDirect(size);
        }
        blackhole.consume(buffers);
    }
}
