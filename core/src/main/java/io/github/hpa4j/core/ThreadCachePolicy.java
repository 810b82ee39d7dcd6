package io.github.hpa4j.core;

/**
 * The policy of one thread cache: jemalloc's {@code tcache} (fill and flush amounts, the low-water
 * GC of {@code tcache_gc_small}) with TCMalloc's dynamic per-bin capacity, over bins whose items it
 * never sees. The caller keeps the items (one stack per bin, newest on top) and tells the policy
 * every change; the policy answers how many to fetch on a miss, how many of the oldest to flush
 * before a free, and, once per GC interval, how many each bin should give back.
 *
 * <p><b>Fill.</b> A miss fetches {@code capacity >> lgFillDiv} items (at least the one asked for),
 * within the byte bound. As in jemalloc, a bin whose low-water mark stayed above zero for a whole
 * interval fetched more than it used, so its fill halves ({@code lgFillDiv++}); a bin that ran empty
 * and was refilled doubles it again.
 *
 * <p><b>Capacity.</b> TCMalloc sizes per-CPU caches by demand; here per bin: a bin starts with
 * {@link Options#initialCapacity} slots, doubles (up to {@link Options#maxPerBin}) when it overflows
 * in an interval in which it also ran empty (demand swings wider than the bin), and halves at every
 * interval without a hit. A bin that is never hit shrinks to capacity 0: frees of its class then
 * pass straight through, so a cache that is never hit holds nothing.
 *
 * <p><b>GC.</b> {@link #gc(long, int[])} runs at most once per {@link Options#gcIntervalNanos}:
 * every bin flushes 3/4 of its low-water mark (the items no allocation needed for a whole interval),
 * and a bin without a hit halves its capacity, so an unused bin is empty after
 * {@code log2(maxPerBin) + 1} intervals: that is how long a cached extent can keep its slab from
 * being purged.
 *
 * <p>Single-threaded, like the cache it steers: the owning thread calls every method.
 */
public final class ThreadCachePolicy {
    /**
     * Bounds of one thread cache.
     *
     * @param maxPerBin       items one bin holds at most
     * @param initialCapacity a new bin's capacity, at most {@code maxPerBin}
     * @param maxBytes        bytes the whole cache holds at most
     * @param gcIntervalNanos how often the low-water GC runs
     */
    public record Options(int maxPerBin, int initialCapacity, long maxBytes, long gcIntervalNanos) {
        /** Refuses a bound outside its range, naming it. */
        public Options {
            require(maxPerBin >= 1, "maxPerBin must be at least 1, got " + maxPerBin);
            require(
                    initialCapacity >= 1 && initialCapacity <= maxPerBin,
                    "initialCapacity must be in [1, maxPerBin], got " + initialCapacity);
            require(maxBytes >= 0, "maxBytes must not be negative, got " + maxBytes);
            require(gcIntervalNanos > 0, "the GC interval must be positive");
        }

        private static void require(boolean condition, String problem) {
            if (!condition) {
                throw new IllegalArgumentException(problem);
            }
        }
    }

    /* jemalloc's starting fill divisor: a miss fetches half the class's capacity. */
    private static final int LG_FILL_DIV_INITIAL = 1;

    private final Options options;
    private final long[] itemBytes;
    private final int[] ncached;
    private final int[] capacity;
    private final int[] lowWater;
    private final int[] lgFillDiv;
    private final boolean[] refilled;
    private final boolean[] hitSinceGc;
    private long bytes;
    private long nextGc;

    /**
     * A policy for one thread cache whose bins all start empty at their initial capacity.
     *
     * @param itemBytes the bytes of one item of each bin (index = bin); a bin of 0 bytes is unused
     * @param options   the cache's bounds
     * @param now       the clock at creation: the first GC runs one interval later
     */
    public ThreadCachePolicy(long[] itemBytes, Options options, long now) {
        this.options = options;
        this.itemBytes = itemBytes.clone();
        int bins = itemBytes.length;
        this.ncached = new int[bins];
        this.capacity = new int[bins];
        this.lowWater = new int[bins];
        this.lgFillDiv = new int[bins];
        this.refilled = new boolean[bins];
        this.hitSinceGc = new boolean[bins];
        for (int bin = 0; bin < bins; bin++) {
            capacity[bin] = options.initialCapacity();
            lgFillDiv[bin] = LG_FILL_DIV_INITIAL;
        }
        this.nextGc = now + options.gcIntervalNanos();
    }

    /** {@return the number of bins, the unused ones included} */
    public int bins() {
        return ncached.length;
    }

    /**
     * Items the caller's stack of {@code bin} holds, as the policy counts them.
     *
     * @param bin a bin
     * @return the items the policy counts in it
     */
    public int ncached(int bin) {
        return ncached[bin];
    }

    /**
     * {@return the most items {@code bin} may hold now}
     *
     * @param bin a bin
     */
    public int capacity(int bin) {
        return capacity[bin];
    }

    /** {@return bytes the cache holds} */
    public long bytes() {
        return bytes;
    }

    // ------------------------------------------------------------------ allocation

    /**
     * The caller popped one item of {@code bin} for an allocation.
     *
     * @param bin a bin
     * @param now the clock now
     */
    public void hit(int bin, long now) {
        int n = --ncached[bin];
        bytes -= itemBytes[bin];
        if (n < lowWater[bin]) {
            lowWater[bin] = n;
        }
        hitSinceGc[bin] = true;
    }

    /**
     * {@code bin} is empty and an allocation wants one item: how many to fetch, the caller's
     * included (at least 1). The caller then reports what it got with {@link #filled}.
     *
     * @param bin an empty bin
     * @param now the clock now
     * @return the items to fetch, at least 1
     */
    public int fillCount(int bin, long now) {
        if (capacity[bin] == 0) {
            capacity[bin] = 1; // a miss is demand again: the bin starts over from the smallest size
        }
        refilled[bin] = true;
        hitSinceGc[bin] = true;
        int fill = Math.max(1, capacity[bin] >> lgFillDiv[bin]);
        long room = (options.maxBytes() - bytes) / itemBytes[bin];
        // The caller's item leaves at once: only the rest must fit.
        return (int) Math.max(1, Math.min(fill, room + 1));
    }

    /**
     * {@code count} items of {@code bin} entered the stack (a fill's extras, or taken back).
     *
     * @param bin   a bin
     * @param count the items that entered it
     */
    public void filled(int bin, int count) {
        ncached[bin] += count;
        bytes += count * itemBytes[bin];
    }

    // ------------------------------------------------------------------ free

    /**
     * An item of {@code bin} is being freed: how many of the bin's oldest items to flush first so
     * that it fits, or -1 when it must not be cached at all (capacity 0, or larger than the whole
     * byte bound). After flushing, the caller reports {@link #flushed} and pushes with {@link #pushed}.
     *
     * @param bin the freed item's bin
     * @return the items to flush first, or -1
     */
    public int flushBeforeFree(int bin) {
        int cap = capacity[bin];
        if (cap == 0 || itemBytes[bin] > options.maxBytes()) {
            return -1;
        }
        int flush = 0;
        if (ncached[bin] >= cap) {
            if (refilled[bin] && cap < options.maxPerBin()) {
                // It ran empty and overflowed within one interval: the bin is too small for its demand.
                capacity[bin] = Math.min(options.maxPerBin(), cap * 2);
                refilled[bin] = false;
            }
            if (ncached[bin] >= capacity[bin]) {
                flush = ncached[bin] - capacity[bin] / 2; // jemalloc's flush keeps half the bin
            }
        }
        long over = bytes - (long) flush * itemBytes[bin] + itemBytes[bin] - options.maxBytes();
        if (over > 0) {
            flush = (int) Math.min(ncached[bin], flush + (over + itemBytes[bin] - 1) / itemBytes[bin]);
        }
        return flush;
    }

    /**
     * The caller pushed one freed item of {@code bin}.
     *
     * @param bin a bin
     */
    public void pushed(int bin) {
        ncached[bin]++;
        bytes += itemBytes[bin];
    }

    /**
     * {@code count} of {@code bin}'s items left the stack without a hit (a flush, or taken by another thread).
     *
     * @param bin   a bin
     * @param count the items that left it
     */
    public void flushed(int bin, int count) {
        int n = ncached[bin] -= count;
        bytes -= count * itemBytes[bin];
        if (n < lowWater[bin]) {
            lowWater[bin] = n;
        }
    }

    /**
     * The cache is over its byte bound although the freeing bin is empty: a bin to flush half of
     * (the one holding most bytes), or -1 when the cache is within its bound.
     *
     * @param incomingBytes the bytes of the item being freed
     * @return the bin to flush half of, or -1
     */
    public int overBoundVictim(long incomingBytes) {
        if (bytes + incomingBytes <= options.maxBytes()) {
            return -1;
        }
        int victim = -1;
        long most = 0;
        for (int bin = 0; bin < ncached.length; bin++) {
            long held = ncached[bin] * itemBytes[bin];
            if (held > most) {
                most = held;
                victim = bin;
            }
        }
        return victim;
    }

    // ------------------------------------------------------------------ GC

    /**
     * {@return whether {@link #gc} has work at {@code now}: one comparison, for the hot path}
     *
     * @param now the clock now
     */
    public boolean gcDue(long now) {
        return now - nextGc >= 0;
    }

    /**
     * The low-water GC, at most once per interval: fills {@code flush[bin]} with how many of each
     * bin's oldest items to flush (the caller flushes them, then reports {@link #flushed}); returns
     * whether any bin has something to flush.
     *
     * @param now   the clock now
     * @param flush receives, per bin, the items to flush
     * @return whether any bin has something to flush
     */
    public boolean gc(long now, int[] flush) {
        if (!gcDue(now)) {
            return false;
        }
        nextGc = now + options.gcIntervalNanos();
        boolean any = false;
        for (int bin = 0; bin < ncached.length; bin++) {
            int n = 0;
            int low = lowWater[bin];
            if (low > 0) {
                n = low - (low >> 2); // jemalloc flushes 3/4 of what lay below the low-water mark
                if ((capacity[bin] >> (lgFillDiv[bin] + 1)) >= 1) {
                    lgFillDiv[bin]++;
                }
            } else if (refilled[bin] && lgFillDiv[bin] > 1) {
                lgFillDiv[bin]--;
            }
            if (!hitSinceGc[bin]) {
                capacity[bin] >>= 1;
                n = Math.max(n, ncached[bin] - capacity[bin]);
            }
            flush[bin] = n;
            any |= n > 0;
            lowWater[bin] = ncached[bin] - n;
            refilled[bin] = false;
            hitSinceGc[bin] = false;
        }
        return any;
    }

    /** Forgets every item (a thief took them all): the bins keep their learned sizes. */
    public void emptied() {
        for (int bin = 0; bin < ncached.length; bin++) {
            ncached[bin] = 0;
            lowWater[bin] = 0;
        }
        bytes = 0;
    }
}
