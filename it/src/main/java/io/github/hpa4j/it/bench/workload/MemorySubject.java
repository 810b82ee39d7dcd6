package io.github.hpa4j.it.bench.workload;

import io.github.hpa4j.bridge.SmapsReading;

/**
 * One allocator under the memory-quality workload. Every allocation is touched page by page, so that
 * what the workload holds is resident whatever the allocator does on allocation (zeroing or not).
 */
public interface MemorySubject extends AutoCloseable {
    /** Allocates {@code bytes} and touches every page of it. */
    Object allocate(int bytes);

    void free(Object block);

    /** The native address of a block from {@link #allocate}: where the random-access workload reads it. */
    long address(Object block);

    /** After the big free: what an application of this allocator must do for memory to go back. */
    default void afterFrees() {}

    /** The allocator's own mappings, where it can tell them apart from the rest of the process. */
    default SmapsReading ownRegions() {
        return null;
    }

    /** A thread timing alloc+free pairs while the workload runs, or null: only hpa4j has one. */
    default LatencyProbe probe() {
        return null;
    }

    @Override
    void close();

    /** The page size every subject touches at, matching hpa4j's. */
    int PAGE = 4096;

    /**
     * Frees 90 % of {@code blocks} in random order (a freed slot becomes null), then tells the
     * subject; returns the bytes freed. Every workload frees the same way, so their figures compare.
     */
    static long freeNinetyPercent(
            MemorySubject subject,
            java.util.List<Object> blocks,
            java.util.List<Integer> sizes,
            java.util.Random random) {
        java.util.List<Integer> order = new java.util.ArrayList<>(blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, random);
        long freed = 0;
        int victims = (int) (blocks.size() * 0.9);
        for (int i = 0; i < victims; i++) {
            int index = order.get(i);
            subject.free(blocks.set(index, null));
            freed += sizes.get(index);
        }
        subject.afterFrees();
        return freed;
    }
}
