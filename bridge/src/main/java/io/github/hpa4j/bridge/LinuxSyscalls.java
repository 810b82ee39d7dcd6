package io.github.hpa4j.bridge;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * mmap, munmap and madvise from libc through java.lang.foreign, with errno captured by the linker.
 *
 * <p>Pointers and size_t are passed as {@code long}: the bridge only runs on 64-bit x86_64/aarch64,
 * where both travel in the same integer registers, and a plain long avoids wrapping every address in
 * a zero-length MemorySegment only for the kernel to validate it anyway.
 *
 * <p>errno: the capture segment is per thread (a ThreadLocal), so page workers calling concurrently
 * never read each other's errno (Elasticsearch shares one static segment; we do not). It is read
 * immediately after the call on the same thread and turned into the -errno return value.
 */
final class LinuxSyscalls implements Syscalls {
    static final LinuxSyscalls INSTANCE = new LinuxSyscalls();

    private static final ThreadLocal<MemorySegment> CALL_STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(Handles.CAPTURE_LAYOUT));

    private LinuxSyscalls() {}

    /** Bound once, on first use, so merely loading the bridge on another OS links nothing. */
    // Binds downcalls: restricted FFM calls, allowed at run time by --enable-native-access.
    @SuppressWarnings("restricted")
    private static final class Handles {
        static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
        static final long ERRNO_OFFSET = CAPTURE_LAYOUT.byteOffset(PathElement.groupElement("errno"));
        static final MethodHandle MMAP;
        static final MethodHandle MUNMAP;
        static final MethodHandle MADVISE;

        static {
            Linker linker = Linker.nativeLinker();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            MMAP = linker.downcallHandle(
                    linker.defaultLookup().findOrThrow("mmap"),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
                    errno);
            MUNMAP = linker.downcallHandle(
                    linker.defaultLookup().findOrThrow("munmap"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG),
                    errno);
            MADVISE = linker.downcallHandle(
                    linker.defaultLookup().findOrThrow("madvise"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT),
                    errno);
        }
    }

    /** sysconf without errno capture: its only failure is "unknown name", which we never ask. */
    // Restricted FFM call, allowed at run time by --enable-native-access (hpa4j.jvm.flags).
    @SuppressWarnings("restricted")
    private static final class Sysconf {
        static final int SC_PAGESIZE = 30; // glibc and musl, x86_64 and aarch64
        static final MethodHandle SYSCONF;

        static {
            Linker linker = Linker.nativeLinker();
            SYSCONF = linker.downcallHandle(
                    linker.defaultLookup().findOrThrow("sysconf"), FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        }
    }

    static long sysconfPageSize() {
        try {
            return (long) Sysconf.SYSCONF.invokeExact(Sysconf.SC_PAGESIZE);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long mmap(long length, int prot, int flags) {
        MemorySegment state = CALL_STATE.get();
        long result;
        try {
            result = (long) Handles.MMAP.invokeExact(state, 0L, length, prot, flags, -1, 0L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return result == -1L ? -errno(state) : result; // MAP_FAILED
    }

    @Override
    public int munmap(long address, long length) {
        MemorySegment state = CALL_STATE.get();
        int result;
        try {
            result = (int) Handles.MUNMAP.invokeExact(state, address, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return result == -1 ? -errno(state) : result;
    }

    @Override
    public int madvise(long address, long length, int advice) {
        MemorySegment state = CALL_STATE.get();
        int result;
        try {
            result = (int) Handles.MADVISE.invokeExact(state, address, length, advice);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return result == -1 ? -errno(state) : result;
    }

    private static int errno(MemorySegment state) {
        return state.get(JAVA_INT, Handles.ERRNO_OFFSET);
    }

    /** Downcalls throw nothing checked; anything else is a linker bug worth crashing on. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new AssertionError("downcall threw " + t, t);
    }
}
