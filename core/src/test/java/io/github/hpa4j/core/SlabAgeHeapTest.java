package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The age heap against a TreeMap keyed by age: first() is always the oldest slab. */
class SlabAgeHeapTest {
    private static PageSlab slab(long age) {
        return new PageSlab((age + 1) * Pages.HUGEPAGE, age);
    }

    @Test
    void shouldStartEmpty() {
        SlabAgeHeap heap = new SlabAgeHeap();
        assertTrue(heap.isEmpty());
        assertEquals(0, heap.size());
        assertNull(heap.first());
    }

    @Test
    void shouldReturnTheOldestWhateverTheInsertionOrder() {
        SlabAgeHeap heap = new SlabAgeHeap();
        PageSlab[] slabs = new PageSlab[20];
        long[] ages = {7, 3, 19, 0, 12, 5, 8, 1, 17, 2, 14, 6, 10, 4, 18, 9, 16, 11, 15, 13};
        for (int i = 0; i < ages.length; i++) {
            slabs[(int) ages[i]] = slab(ages[i]);
            heap.insert(slabs[(int) ages[i]]);
        }
        // Growing past the initial capacity of 8 kept every slab.
        assertEquals(20, heap.size());
        for (int age = 0; age < 20; age++) {
            assertSame(slabs[age], heap.first());
            heap.remove(heap.first());
            assertEquals(-1, slabs[age].heapIndex, "a removed slab is unlinked");
        }
        assertTrue(heap.isEmpty());
    }

    @Test
    void shouldRemoveFromTheMiddleAndKeepTheRestOrdered() {
        SlabAgeHeap heap = new SlabAgeHeap();
        List<PageSlab> slabs = new ArrayList<>();
        for (int age = 0; age < 15; age++) {
            slabs.add(slab(age));
            heap.insert(slabs.get(age));
        }
        heap.remove(slabs.get(7));
        heap.remove(slabs.get(14)); // the last slot
        heap.remove(slabs.get(0)); // the root
        for (int age : new int[] {1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13}) {
            assertSame(slabs.get(age), heap.first());
            heap.remove(heap.first());
        }
        assertTrue(heap.isEmpty());
    }

    /**
     * Random inserts, removals of the first and of arbitrary members (which exercise both the
     * sift-down and the sift-up after a removal), against a TreeMap.
     */
    @Test
    void shouldMatchATreeMapOverRandomOperations() {
        // A fixed seed, so a failure reproduces; printed in every assertion message.
        final long seed = 20_240_611L;
        Random random = new Random(seed);
        SlabAgeHeap heap = new SlabAgeHeap();
        TreeMap<Long, PageSlab> oracle = new TreeMap<>();
        List<PageSlab> members = new ArrayList<>();
        long[] unusedAges = random.longs(50_000, 0, 1L << 40).distinct().toArray();
        int nextAge = 0;
        for (int step = 0; step < 30_000; step++) {
            String where = "seed " + seed + " step " + step;
            int op = random.nextInt(10);
            if (op < 5 || members.isEmpty()) {
                PageSlab s = new PageSlab(Pages.HUGEPAGE, unusedAges[nextAge++]);
                heap.insert(s);
                oracle.put(s.age(), s);
                members.add(s);
            } else if (op < 7) {
                PageSlab first = heap.first();
                heap.remove(first);
                assertSame(oracle.pollFirstEntry().getValue(), first, where);
                members.remove(first);
            } else {
                PageSlab s = members.remove(random.nextInt(members.size()));
                heap.remove(s);
                oracle.remove(s.age());
                assertEquals(-1, s.heapIndex, where);
            }
            assertEquals(oracle.size(), heap.size(), where);
            assertSame(oracle.isEmpty() ? null : oracle.firstEntry().getValue(), heap.first(), where);
        }
        // Drain: every remaining slab comes out in age order.
        while (!oracle.isEmpty()) {
            assertSame(oracle.pollFirstEntry().getValue(), heap.first(), "seed " + seed + " drain");
            heap.remove(heap.first());
        }
        assertTrue(heap.isEmpty());
    }
}
