package io.github.hpa4j.it.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

/** The mixed-size churn ({@link ChurnSlots}) through Netty's pooled direct allocator, set up as in {@link NettyPooledBenchmark}. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NettyChurnBench {
    @State(Scope.Benchmark)
    public static class Allocator {
        PooledByteBufAllocator allocator;

        @Setup(Level.Trial)
        public void start() {
            allocator = NettyPooledBenchmark.pooledDirectCachingEveryThread();
        }
    }

    @State(Scope.Thread)
    public static class Slots extends ChurnSlots<ByteBuf> {
        PooledByteBufAllocator allocator;

        @Setup(Level.Trial)
        public void fill(Allocator pool, ThreadParams thread) {
            allocator = pool.allocator;
            fill(thread.getThreadIndex() + 1);
        }

        @Override
        ByteBuf allocate(int bytes) {
            return allocator.directBuffer(bytes, bytes);
        }

        @Override
        void free(ByteBuf block) {
            block.release();
        }

        @TearDown(Level.Trial)
        public void stopChurn() {
            drain();
        }
    }

    @Benchmark
    public long churn(Slots slots) {
        return slots.replace().memoryAddress();
    }
}
