package io.github.hpa4j.it.bench.workload;

import io.github.hpa4j.it.bench.jmh.NettyPooledBenchmark;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/** The allocators hpa4j is compared with, under the memory-quality workload. */
public final class JdkMemorySubjects {
    private JdkMemorySubjects() {}

    /** A Netty allocator's direct buffers, every page touched. */
    abstract static class NettyDirect implements MemorySubject {
        private final ByteBufAllocator allocator;

        NettyDirect(ByteBufAllocator allocator) {
            this.allocator = allocator;
        }

        @Override
        public Object allocate(int bytes) {
            ByteBuf buffer = allocator.directBuffer(bytes, bytes);
            for (int offset = 0; offset < bytes; offset += PAGE) {
                buffer.setByte(offset, 1);
            }
            return buffer;
        }

        @Override
        public void free(Object block) {
            ((ByteBuf) block).release();
        }

        @Override
        public long address(Object block) {
            return JdkMemorySubjects.address((ByteBuf) block);
        }

        @Override
        public void close() {}
    }

    /** Netty's pool, configured as in {@link NettyPooledBenchmark}. */
    public static final class NettyPooled extends NettyDirect {
        public NettyPooled() {
            super(NettyPooledBenchmark.pooledDirectCachingEveryThread());
        }
    }

    /** Netty 4.2's adaptive allocator (its default since 4.2), direct buffers, caches for every thread. */
    public static final class NettyAdaptive extends NettyDirect {
        public NettyAdaptive() {
            super(new AdaptiveByteBufAllocator(true, true));
        }
    }

    /** Through the NIO view, which every direct ByteBuf has, whether or not Netty may use Unsafe. */
    static long address(ByteBuf buffer) {
        return MemorySegment.ofBuffer(buffer.nioBuffer(0, buffer.capacity())).address();
    }

    /** {@code ByteBuffer.allocateDirect}: freed by dropping it; memory returns when a GC runs the Cleaners. */
    public static final class AllocateDirect implements MemorySubject {
        @Override
        public Object allocate(int bytes) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(bytes);
            for (int offset = 0; offset < bytes; offset += PAGE) {
                buffer.put(offset, (byte) 1);
            }
            return buffer;
        }

        @Override
        public void free(Object block) {
            // Nothing to call: the workload drops its reference.
        }

        @Override
        public long address(Object block) {
            return MemorySegment.ofBuffer((ByteBuffer) block).address();
        }

        /** Without a GC nothing would ever come back; a real application waits for its next GC. */
        @Override
        public void afterFrees() {
            System.gc();
        }

        @Override
        public void close() {}
    }

    /** One confined arena per allocation: malloc on allocate, free on close. */
    public static final class ConfinedArena implements MemorySubject {
        private record Block(Arena arena, MemorySegment segment) {}

        // The arena outlives this call: its Block holds it, and free() closes it.
        @SuppressWarnings("MustBeClosedChecker")
        @Override
        public Object allocate(int bytes) {
            Arena arena = Arena.ofConfined();
            MemorySegment segment = arena.allocate(bytes);
            for (long offset = 0; offset < bytes; offset += PAGE) {
                segment.set(ValueLayout.JAVA_BYTE, offset, (byte) 1);
            }
            return new Block(arena, segment);
        }

        @Override
        public void free(Object block) {
            ((Block) block).arena().close();
        }

        @Override
        public long address(Object block) {
            return ((Block) block).segment().address();
        }

        @Override
        public void close() {}
    }
}
