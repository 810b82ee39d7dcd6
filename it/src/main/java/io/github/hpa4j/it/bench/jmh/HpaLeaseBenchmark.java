package io.github.hpa4j.it.bench.jmh;

import io.github.hpa4j.actors.Lease;
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
 * hpa4j's public API through a {@link Lease} per thread, front cache on (the reference settings): a
 * pair is {@code lease.allocate} + {@code lease.free}, served from the calling thread's cache with
 * no new handle, as an application's thread that reuses one lease would do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HpaLeaseBenchmark extends Hpa4jTrial {
    @Param({"4096", "16384", "65536"})
    public int size;

    @Setup
    public void start() {
        startHpa4j("hpa-lease", "");
    }

    /** Each JMH thread's own lease, made on that thread (a lease is confined to its maker). */
    @State(Scope.Thread)
    public static class PerThread {
        Lease lease;

        @Setup
        public void lease(HpaLeaseBenchmark trial) {
            lease = trial.hpa4j.lease();
        }
    }

    @Benchmark
    public long pair(PerThread thread) {
        long address = thread.lease.allocate(size);
        thread.lease.free();
        return address;
    }
}
