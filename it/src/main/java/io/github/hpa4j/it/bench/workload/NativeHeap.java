package io.github.hpa4j.it.bench.workload;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * The JVM's own C heap, handed back before each memory reading. The compiler threads malloc tens of
 * MiB of scratch while the workload's paths are compiled (NMT: a C2 arena peak above 30 MiB), free
 * it when the compilation ends, and glibc keeps most of it in its per-thread arenas: 7 to 20 MiB
 * more Rss at the final reading, varying from run to run with when the compilations fell, and more
 * for an allocator with more Java code behind it. None of it is the allocator's. glibc's
 * {@code malloc_trim(0)} returns those free pages, so every variant trims the same way: the same
 * call before every reading, and {@link #JVM_ARGS} for the samples in between.
 *
 * <p>For the allocators that are glibc's malloc underneath (Arena, allocateDirect, Netty's chunks)
 * this is also what the JVM's periodic trim gives an application. Under a preloaded jemalloc the
 * JVM's C heap is jemalloc's, which returns it by its own decay; glibc's trim then has nothing to do.
 */
public final class NativeHeap {
    /** The JVM trims the C heap itself once a second, so that peaks and timelines see the same. */
    public static final List<String> JVM_ARGS = List.of("-XX:TrimNativeHeapInterval=1000");

    /**
     * HotSpot keeps the arena chunks its compilers free in a pool that a periodic task empties every
     * 5 s; a baseline read while the start-up compilations' chunks are still pooled (NMT: 8 MiB) carries
     * memory that is gone by the next reading, and every delta over it comes out that much too small.
     */
    static final long CHUNK_POOL_CLEANING_MILLIS = 5_000;

    private static final Linker LINKER = Linker.nativeLinker();
    // Restricted FFM call, allowed at run time by --enable-native-access.
    @SuppressWarnings("restricted")
    private static final MethodHandle MALLOC_TRIM = LINKER.defaultLookup()
            .find("malloc_trim")
            .map(address ->
                    LINKER.downcallHandle(address, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)))
            .orElse(null);

    private NativeHeap() {}

    /**
     * Waits {@code millis}, then trims: what the process holds before a baseline reading. Longer than
     * {@link #CHUNK_POOL_CLEANING_MILLIS}, the start-up's transient C heap is gone; the smoke runs pass
     * less and take a noisier baseline.
     */
    static void settle(long millis) throws InterruptedException {
        Thread.sleep(millis);
        trim();
    }

    /** Whether this C library has {@code malloc_trim} (glibc does; musl does not). */
    static boolean trimmable() {
        return MALLOC_TRIM != null;
    }

    /** {@code malloc_trim(0)}: every arena's free pages back to the OS; nothing without glibc. */
    static void trim() {
        if (MALLOC_TRIM == null) {
            return;
        }
        try {
            int released = (int) MALLOC_TRIM.invokeExact(0L);
            assert released == 0 || released == 1;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
