package io.github.hpa4j.it.bench.workload;

import io.github.hpa4j.it.bench.JemallocConfig;
import io.github.hpa4j.it.bench.JemallocLibrary;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** jemalloc's malloc/free under the memory workloads, in a JVM started with it preloaded. */
public final class JemallocMemorySubject implements MemorySubject {
    private final JemallocLibrary library;

    public JemallocMemorySubject(JemallocConfig config) {
        library = JemallocLibrary.load();
        config.verify(library);
        System.out.println(library.describe());
    }

    // Restricted FFM call, allowed at run time by --enable-native-access (hpa4j.jvm.flags).
    @SuppressWarnings("restricted")
    @Override
    public Object allocate(int bytes) {
        long address = library.malloc(bytes);
        MemorySegment segment = MemorySegment.ofAddress(address).reinterpret(bytes);
        for (long offset = 0; offset < bytes; offset += PAGE) {
            segment.set(ValueLayout.JAVA_BYTE, offset, (byte) 1);
        }
        return address;
    }

    @Override
    public void free(Object block) {
        library.free((Long) block);
    }

    @Override
    public long address(Object block) {
        return (Long) block;
    }

    @Override
    public void close() {}
}
