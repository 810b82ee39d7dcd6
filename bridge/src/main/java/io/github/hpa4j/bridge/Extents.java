package io.github.hpa4j.bridge;

import java.lang.foreign.MemorySegment;

/** Bounded views of memory the page hooks handed out. */
public final class Extents {
    private Extents() {}

    /**
     * A segment of exactly {@code size} bytes at {@code address}: access outside it throws
     * IndexOutOfBoundsException. Not tied to any arena: it must not be used after the extent is
     * unmapped (the allocator owns the lifetime, not the segment). Needs native access (reinterpret).
     *
     * @param address the extent's first byte, not 0
     * @param size    the extent's bytes, not negative
     * @return a segment that bounds-checks every access against the extent
     */
    // Restricted FFM call, allowed at run time by --enable-native-access (hpa4j.jvm.flags).
    @SuppressWarnings("restricted")
    public static MemorySegment segmentOf(long address, long size) {
        if (address == 0 || size < 0) {
            throw new IllegalArgumentException("bad extent 0x" + Long.toHexString(address) + " + " + size);
        }
        return MemorySegment.ofAddress(address).reinterpret(size);
    }
}
