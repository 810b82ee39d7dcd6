package io.github.hpa4j.it.bench.workload;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * glibc's malloc/free through FFM (the JVM's default lookup, nothing preloaded), with
 * {@code malloc_trim(0)} after the big free: what a C program gets from its libc when it asks for
 * memory back.
 */
public final class GlibcMemorySubject implements MemorySubject {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC =
            downcall("malloc", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle FREE = downcall("free", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));

    // Restricted FFM call, allowed at run time by --enable-native-access (hpa4j.jvm.flags).
    @SuppressWarnings("restricted")
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(
                LINKER.defaultLookup()
                        .find(name)
                        .orElseThrow(() -> new IllegalStateException("no " + name + " in the default lookup")),
                descriptor);
    }

    @Override
    public Object allocate(int bytes) {
        MemorySegment block = malloc(bytes);
        if (block.address() == 0) {
            throw new OutOfMemoryError("malloc(" + bytes + ") returned NULL");
        }
        for (long offset = 0; offset < bytes; offset += PAGE) {
            block.set(ValueLayout.JAVA_BYTE, offset, (byte) 1);
        }
        return block.address();
    }

    // Restricted FFM call, allowed at run time by --enable-native-access (hpa4j.jvm.flags).
    @SuppressWarnings("restricted")
    private static MemorySegment malloc(int bytes) {
        try {
            return ((MemorySegment) MALLOC.invokeExact((long) bytes)).reinterpret(bytes);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void free(Object block) {
        try {
            FREE.invokeExact(MemorySegment.ofAddress((Long) block));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void afterFrees() {
        if (!NativeHeap.trimmable()) {
            throw new IllegalStateException("no malloc_trim in the default lookup");
        }
        NativeHeap.trim();
    }

    @Override
    public long address(Object block) {
        return (Long) block;
    }

    @Override
    public void close() {}
}
