package io.github.hpa4j.bridge;

import static io.github.hpa4j.bridge.RealMemory.SLAB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class ExtentsAndClockTest {
    @Test
    void shouldBoundTheSegmentToExactlyTheExtent() {
        ArenaPageHooks hooks = new ArenaPageHooks();
        long address = hooks.map(SLAB);
        try {
            MemorySegment extent = Extents.segmentOf(address + 4096, 8192);

            extent.set(ValueLayout.JAVA_LONG, 8192 - 8, 77L);

            assertEquals(8192, extent.byteSize());
            assertEquals(77L, Extents.segmentOf(address, SLAB).get(ValueLayout.JAVA_LONG, 4096 + 8192 - 8));
            assertThrows(IndexOutOfBoundsException.class, () -> extent.get(ValueLayout.JAVA_BYTE, 8192));
            assertThrows(IndexOutOfBoundsException.class, () -> extent.get(ValueLayout.JAVA_LONG, 8192 - 4));
        } finally {
            hooks.unmap(address, SLAB);
        }
    }

    @Test
    void shouldRefuseNullOrNegativeExtents() {
        assertThrows(IllegalArgumentException.class, () -> Extents.segmentOf(0, 4096));
        assertThrows(IllegalArgumentException.class, () -> Extents.segmentOf(4096, -1));
    }

    @Test
    void shouldTellMonotonicTimeAndElapsedMillis() {
        long start = SystemClock.INSTANCE.nanoTime();
        long later = SystemClock.INSTANCE.nanoTime();

        assertTrue(later >= start);
        assertTrue(SystemClock.INSTANCE.millisSince(start) >= 0);
        assertEquals(0, SystemClock.INSTANCE.millisSince(later + 1_000_000_000L), "the future is 0 ms ago");
        assertTrue(SystemClock.INSTANCE.millisSince(start - 5_000_000_000L) >= 5_000);
    }
}
