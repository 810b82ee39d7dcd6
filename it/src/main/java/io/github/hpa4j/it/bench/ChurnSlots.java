package io.github.hpa4j.it.bench;

/**
 * The mixed-size churn shape every allocator runs: per thread, {@link #SLOTS} slots each holding one
 * block; an operation frees the block of a random slot and allocates one of a random size from
 * 4 to 64 KiB (whole pages) in its place. The working set (about 34 MiB per thread) is far above
 * every allocator's per-thread cache, so the shape measures what happens behind the caches.
 */
final class ChurnSlots {
    static final int SLOTS = 1024;
    static final int MAX_PAGES = 16;
    private long seed;

    ChurnSlots(long seed) {
        this.seed = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    /* xorshift64*: a few cycles, no allocation, the same sequence for every allocator. */
    private long next() {
        seed ^= seed >>> 12;
        seed ^= seed << 25;
        seed ^= seed >>> 27;
        return seed * 0x2545F4914F6CDD1DL;
    }

    int slot() {
        return (int) ((next() >>> 33) % SLOTS);
    }

    int bytes() {
        return (int) (((next() >>> 33) % MAX_PAGES) + 1) * 4096;
    }
}
