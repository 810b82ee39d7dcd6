package io.github.hpa4j.it.bench.jmh;

import io.github.hpa4j.it.bench.JemallocConfig;
import io.github.hpa4j.it.bench.JemallocLibrary;
import io.github.hpa4j.it.bench.Shapes;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * jemalloc 5.3 itself, {@code malloc} + {@code free} through FFM (one plain downcall each, about
 * 10 ns of the pair), in the same shapes as {@link HpaCachedBenchmark} and {@link NettyPooledBenchmark}.
 * Its thread cache serves sizes up to 32 KiB (jemalloc's default {@code tcache_max}); larger pairs
 * reach its page allocator (HPA or PAC).
 *
 * <p>Runs only in a JVM with jemalloc preloaded; JMH forks inherit the environment, so on its own:
 * {@code LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=hpa:true,hpa_slab_max_alloc:69632
 * java ... org.openjdk.jmh.Main 'JemallocBenchmark|HpaCachedBenchmark' -p jemalloc=hpa-68k}.
 * {@code jemalloc} names the {@link JemallocConfig} the environment must carry ({@code env} accepts
 * whatever it carries); setup checks it through {@code mallctl} and prints which library
 * {@code malloc} resolved in.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JemallocBenchmark {
    @Param({"4096", "16384", "65536"})
    public int size;

    @Param({"env"})
    public String jemalloc;

    private JemallocLibrary library;

    @Setup
    public void start() {
        library = JemallocLibrary.load();
        if (!jemalloc.equals("env")) {
            JemallocConfig.byId(jemalloc).verify(library);
        }
        System.out.println(library.describe());
    }

    @Benchmark
    public long pair() {
        long address = library.malloc(size);
        library.free(address);
        return address;
    }

    @Benchmark
    public void batch(Blackhole blackhole) {
        long[] addresses = new long[Shapes.BATCH];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = library.malloc(size);
        }
        for (long address : addresses) {
            library.free(address);
        }
        blackhole.consume(addresses);
    }
}
