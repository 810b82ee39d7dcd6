package io.github.hpa4j.core;

import java.util.Arrays;

/**
 * A min-heap of slabs by age: jemalloc's {@code hpdata_age_heap} (a pairing heap there, a binary
 * heap here). Each slab records its index in the heap so that removal from the middle is
 * O(log n) and allocates nothing. Ages are operation counts and never tie.
 */
final class SlabAgeHeap {
    private PageSlab[] slabs = new PageSlab[8];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The oldest slab, or null. */
    PageSlab first() {
        return size == 0 ? null : slabs[0];
    }

    void insert(PageSlab slab) {
        assert slab.heapIndex < 0;
        if (size == slabs.length) {
            slabs = Arrays.copyOf(slabs, size * 2);
        }
        slabs[size] = slab;
        slab.heapIndex = size;
        size++;
        siftUp(slab.heapIndex);
    }

    void remove(PageSlab slab) {
        int index = slab.heapIndex;
        assert index >= 0 && index < size && slabs[index] == slab : "slab is not in this heap";
        size--;
        PageSlab last = slabs[size];
        slabs[size] = null;
        slab.heapIndex = -1;
        if (index < size) {
            slabs[index] = last;
            last.heapIndex = index;
            siftDown(index);
            siftUp(last.heapIndex);
        }
    }

    private void siftUp(int index) {
        PageSlab slab = slabs[index];
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            if (older(slabs[parent], slab)) {
                break;
            }
            place(slabs[parent], index);
            index = parent;
        }
        place(slab, index);
    }

    private void siftDown(int index) {
        PageSlab slab = slabs[index];
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && older(slabs[right], slabs[child])) {
                child = right;
            }
            if (older(slab, slabs[child])) {
                break;
            }
            place(slabs[child], index);
            index = child;
        }
        place(slab, index);
    }

    private void place(PageSlab slab, int index) {
        slabs[index] = slab;
        slab.heapIndex = index;
    }

    private static boolean older(PageSlab a, PageSlab b) {
        assert a.age() != b.age() : "two slabs of the same age " + a.age();
        return a.age() < b.age();
    }
}
