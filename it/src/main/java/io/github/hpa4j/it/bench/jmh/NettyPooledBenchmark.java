package io.github.hpa4j.it.bench.jmh;

import io.github.hpa4j.it.bench.Shapes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
 * Netty's jemalloc-inspired pool, direct buffers, with thread caches for every thread (JMH threads
 * are not FastThreadLocalThreads, and Netty 4.2 may not cache for other threads by default). The
 * suite runs it with leak detection disabled, as Netty's own microbenchmarks do. Netty's default
 * {@code maxCachedBufferCapacity} is 32 KiB, so 64 KiB buffers go to the arena, not the cache.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NettyPooledBenchmark {
    @Param({"4096", "16384", "65536"})
    public int size;

    private PooledByteBufAllocator allocator;

    @Setup
    public void start() {
        allocator = pooledDirectCachingEveryThread();
    }

    /** Netty's defaults, direct, with a thread cache for every thread (not only FastThreadLocalThreads). */
    public static PooledByteBufAllocator pooledDirectCachingEveryThread() {
        return new PooledByteBufAllocator(
                true,
                PooledByteBufAllocator.defaultNumHeapArena(),
                PooledByteBufAllocator.defaultNumDirectArena(),
                PooledByteBufAllocator.defaultPageSize(),
                PooledByteBufAllocator.defaultMaxOrder(),
                PooledByteBufAllocator.defaultSmallCacheSize(),
                PooledByteBufAllocator.defaultNormalCacheSize(),
                true);
    }

    @Benchmark
    public ByteBuf pair() {
        ByteBuf buffer = allocator.directBuffer(size, size);
        buffer.release();
        return buffer;
    }

    @Benchmark
    public void batch(Blackhole blackhole) {
        ByteBuf[] buffers = new ByteBuf[Shapes.BATCH];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = allocator.directBuffer(size, size);
        }
        for (ByteBuf buffer : buffers) {
            buffer.release();
        }
        blackhole.consume(buffers);
    }
}
