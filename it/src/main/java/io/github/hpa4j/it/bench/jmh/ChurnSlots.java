package io.github.hpa4j.it.bench.jmh;

/**
 * The mixed-size churn shape every allocator runs: per thread, {@link #SLOTS} slots each holding one
 * block; an operation frees the block of a random slot and allocates one of a random size from
 * 4 to 64 KiB (whole pages) in its place. The working set (about 34 MiB per thread) is far above
 * every allocator's per-thread cache, so the shape measures what happens behind the caches.
 *
 * <p>Each allocator's benchmark subclasses it as its per-thread JMH state with its own allocate and
 * free; the one subclass a benchmark JVM loads keeps both calls monomorphic.
 *
 * @param <T> the allocator's handle of a block
 */
abstract class ChurnSlots<T> {
    static final int SLOTS = 1024;
    static final int MAX_PAGES = 16;
    private long seed;
    private final Object[] held = new Object[SLOTS];

    /** A block of {@code bytes} from the allocator under test. */
    abstract T allocate(int bytes);

    abstract void free(T block);

    /** Seeds the sequence (the same for every allocator on the same thread) and fills every slot. */
    final void fill(long seed) {
        this.seed = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        for (int i = 0; i < held.length; i++) {
            held[i] = allocate(bytes());
        }
    }

    /** One operation: frees a random slot's block and allocates its replacement, which it returns. */
    final T replace() {
        int slot = slot();
        free(held(slot));
        T fresh = allocate(bytes());
        held[slot] = fresh;
        return fresh;
    }

    final void drain() {
        for (int i = 0; i < held.length; i++) {
            free(held(i));
        }
    }

    // Only allocate() fills the array, so every element is a T.
    @SuppressWarnings("unchecked")
    private T held(int slot) {
        return (T) held[slot];
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
