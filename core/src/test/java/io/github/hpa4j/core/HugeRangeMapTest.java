package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HugeRangeMapTest {
    private static final long BASE = 1L << 40;

    private static long hp(int i) {
        return BASE + i * Pages.HUGEPAGE;
    }

    @Test
    void shouldCoalesceNeighbours() {
        HugeRangeMap map = new HugeRangeMap();
        map.insert(hp(0), 2);
        map.insert(hp(4), 1);
        map.insert(hp(2), 2);
        assertEquals(1, map.runs());
        assertEquals(5, map.hugepages());
        assertEquals(hp(0), map.take(5));
        assertTrue(map.isEmpty());
    }

    @Test
    void shouldTakeTheShortestRunThatFits() {
        HugeRangeMap map = new HugeRangeMap();
        map.insert(hp(0), 4);
        map.insert(hp(10), 2);
        map.insert(hp(20), 3);
        assertEquals(hp(20), map.take(3));
        assertEquals(hp(10), map.take(1));
        assertEquals(-1, map.take(5));
        assertEquals(5, map.hugepages());
    }

    @Test
    void shouldRefuseAnOverlappingRun() {
        HugeRangeMap map = new HugeRangeMap();
        map.insert(hp(2), 3);
        assertThrows(IllegalStateException.class, () -> map.insert(hp(4), 1));
        assertThrows(IllegalStateException.class, () -> map.insert(hp(0), 3));
        assertEquals(3, map.hugepages());
    }

    @Test
    void shouldAgreeWithAnArrayOfFreeHugepagesOverARandomRun() {
        long seed = 0xC0A1E5CEL;
        Random random = new Random(seed);
        boolean[] free = new boolean[256];
        HugeRangeMap map = new HugeRangeMap();
        long[] out = new long[2];
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(3);
            int length = 1 + random.nextInt(8);
            if (op == 0) {
                int start = random.nextInt(free.length - length);
                boolean clear = true;
                for (int i = start; i < start + length; i++) {
                    clear &= !free[i];
                }
                if (clear) {
                    map.insert(hp(start), length);
                    for (int i = start; i < start + length; i++) {
                        free[i] = true;
                    }
                }
            } else {
                long address = op == 1 ? map.take(length) : map.takeShortest(length, out) ? out[0] : -1;
                long taken = op == 1 ? length : out[1];
                if (address >= 0) {
                    int start = (int) ((address - BASE) / Pages.HUGEPAGE);
                    for (int i = start; i < start + taken; i++) {
                        assertTrue(free[i], "seed " + seed + " step " + step + ": took hugepage " + i + " twice");
                        free[i] = false;
                    }
                } else {
                    assertFalse(op == 2 && !map.isEmpty());
                }
            }
            long n = 0;
            for (boolean f : free) {
                n += f ? 1 : 0;
            }
            assertEquals(n, map.hugepages(), "seed " + seed + " step " + step);
        }
    }

    @Test
    void shouldContainARunsHugepagesOnlyAndVisitRunsInAddressOrder() {
        HugeRangeMap map = new HugeRangeMap();
        map.insert(hp(4), 1);
        map.insert(hp(0), 2);
        assertTrue(map.contains(hp(0)));
        assertTrue(map.contains(hp(2) - 1));
        assertFalse(map.contains(hp(2)), "the end of a run is not in it");
        assertFalse(map.contains(hp(5)));
        java.util.List<long[]> runs = new java.util.ArrayList<>();
        map.forEach((address, length) -> runs.add(new long[] {address, length}));
        assertEquals(2, runs.size());
        assertArrayEquals(new long[] {hp(0), 2}, runs.get(0));
        assertArrayEquals(new long[] {hp(4), 1}, runs.get(1));
    }
}
