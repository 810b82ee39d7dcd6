package io.github.hpa4j.it.bench;

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
    public static class Slots {
        ChurnSlots random;
        ByteBuf[] held;
        PooledByteBufAllocator allocator;

        @Setup(Level.Trial)
        public void fill(Allocator pool, ThreadParams thread) {
            allocator = pool.allocator;
            random = new ChurnSlots(thread.getThreadIndex() + 1);
            held = new ByteBuf[ChurnSlots.SLOTS];
            for (int i = 0; i < held.length; i++) {
                int size = random.bytes();
                held[i] = allocator.directBuffer(size, size);
            }
        }

        @TearDown(Level.Trial)
        public void drain() {
            for (ByteBuf b : held) {
                b.release();
            }
        }
    }

    @Benchmark
    public long churn(Slots slots) {
        int slot = slots.random.slot();
        slots.held[slot].release();
        int size = slots.random.bytes();
        ByteBuf fresh = slots.allocator.directBuffer(size, size);
        slots.held[slot] = fresh;
        return fresh.memoryAddress();
    }
}
