package io.github.hpa4j.actors;

import io.github.hpa4j.core.CacheBins;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One shard's transfer tier: per size class, extents the shard has already allocated, which any
 * thread takes or gives back without a message (TCMalloc's transfer cache, jemalloc's SEC). The
 * thread caches fill from it on a miss and flush into it; the shard keeps it stocked ahead of
 * demand, asked by a message that nobody waits for.
 *
 * <p><b>Stock.</b> Each class has a target level. A take that leaves the class below half its
 * target asks the shard for the difference (one request in flight per class); a take that finds it
 * empty doubles the target, since demand outran the stock. The shard stocks from what it has and
 * never waits for eden on the tier's behalf: callers wait, stock does not. {@link #decay} (the sweeper, once per
 * {@code sweep-interval}) halves the target of a class no thread took from in the interval and
 * gives what lies above the target back to the shard, so an unused tier is empty after a few
 * intervals. Targets are bounded by the class's queue and by {@code transfer-bytes} per class; a
 * restock is cut to what keeps the whole tier, stock in flight included, within
 * {@code transfer-total-bytes}. A working set of many sizes would otherwise stock every class to
 * its own bound, and that stock, carved from the same slabs as the live extents, leaves holes in
 * them when the tier gives it back.
 *
 * <p>An extent in the tier belongs to nobody: its handle is retired ({@code FREED}), and the queue
 * hands each to exactly one taker.
 */
final class TransferTier {
    /** What the tier asks of its shard: the gateway's side of a restock or a give-back. */
    interface Shard {
        /** Asks the shard for {@code count} extents of {@code bytes}; they arrive through {@link #stock}. */
        void restock(TransferTier tier, int bin, long bytes, int count);

        /** Gives retired extents back to the shard, not waiting for its answer. */
        void release(List<Allocation> retired);
    }

    private final int shard;
    private final Shard owner;
    private final CacheBins bins;
    private final BoundedMpmcQueue<Allocation>[] classes;
    private final int[] maxStock;
    private final long totalBytes;
    private final AtomicIntegerArray target;
    /* Per class, how many extents the restock in flight asked for; 0 when none is in flight. */
    private final AtomicIntegerArray restocking;
    private final AtomicIntegerArray takenSinceDecay;
    /* Per class, completed when the restock in flight has landed (null when none is in flight). */
    private final AtomicReferenceArray<CompletableFuture<Void>> landing;
    private final AtomicLong takes = new AtomicLong();
    private final AtomicLong dry = new AtomicLong();
    private final AtomicLong restocks = new AtomicLong();
    /* What the queues hold and what the restocks in flight asked for, in bytes: the total's bound reads these. */
    private final LongAdder storedBytes = new LongAdder();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private volatile boolean closed;

    @SuppressWarnings("unchecked")
    TransferTier(int shard, CacheBins bins, long bytesPerClass, long totalBytes, int maxPerClass, Shard owner) {
        this.shard = shard;
        this.totalBytes = totalBytes;
        this.owner = owner;
        this.bins = bins;
        int n = bins.last() + 1;
        this.classes = (BoundedMpmcQueue<Allocation>[]) new BoundedMpmcQueue<?>[n];
        this.maxStock = new int[n];
        for (int bin = 1; bin < n; bin++) {
            maxStock[bin] = (int) Math.max(2, Math.min(maxPerClass * 4L, bytesPerClass / bins.itemBytes(bin)));
            classes[bin] = new BoundedMpmcQueue<>(maxStock[bin]);
        }
        this.target = new AtomicIntegerArray(n);
        this.restocking = new AtomicIntegerArray(n);
        this.takenSinceDecay = new AtomicIntegerArray(n);
        this.landing = new AtomicReferenceArray<>(n);
    }

    int shard() {
        return shard;
    }

    /**
     * Takes up to {@code max} extents of {@code bin} into {@code out} from {@code from}; returns how
     * many. {@code wanted} is the fill the thread cache would like, which sizes the next restock.
     */
    int take(int bin, Allocation[] out, int from, int max, int wanted) {
        BoundedMpmcQueue<Allocation> queue = classes[bin];
        int got = 0;
        while (got < max) {
            Allocation a = queue.poll();
            if (a == null) {
                break;
            }
            out[from + got++] = a;
        }
        if (got > 0) {
            storedBytes.add(-got * bins.itemBytes(bin));
        }
        if (got == 0) {
            // The caller asks its shard now; the restock follows its ask (restockAfterMiss), so
            // that the shard serves the waiting caller before it stocks the tier.
            dry.incrementAndGet();
            grow(bin, wanted);
            return 0;
        }
        takes.addAndGet(got);
        if (takenSinceDecay.get(bin) == 0) {
            takenSinceDecay.set(bin, 1);
        }
        maybeRestock(bin);
        return got;
    }

    /** A caller found {@code bin} empty and has sent its ask: now the stock may follow. */
    void restockAfterMiss(int bin) {
        maybeRestock(bin);
    }

    /*
     * Demand outran the stock: the target doubles, at least to two fills. Once per restock: a burst
     * of misses while one is on its way is one shortfall, not many.
     */
    private void grow(int bin, int wanted) {
        if (restocking.get(bin) != 0) {
            return;
        }
        int current = target.get(bin);
        int next = (int) Math.min(maxStock[bin], Math.max(2L * current, 2L * wanted));
        if (next > current) {
            target.compareAndSet(bin, current, next);
        }
        takenSinceDecay.set(bin, 1);
    }

    private void maybeRestock(int bin) {
        int goal = target.get(bin);
        int level = classes[bin].size();
        if (closed || level >= (goal + 1) / 2 || restocking.get(bin) != 0) {
            return;
        }
        long itemBytes = bins.itemBytes(bin);
        int count = (int) Math.min(goal - level, Math.max(0, totalBytes - committedBytes()) / itemBytes);
        if (count > 0 && restocking.compareAndSet(bin, 0, count)) {
            inFlightBytes.addAndGet(count * itemBytes);
            restocks.incrementAndGet();
            landing.set(bin, new CompletableFuture<>());
            owner.restock(this, bin, itemBytes, count);
        }
    }

    /* Two classes deciding at once may together pass the bound by one restock each. */
    private long committedBytes() {
        return storedBytes.sum() + inFlightBytes.get();
    }

    /**
     * A restock's extents (retired handles) arrive: into the queue as far as it has room; the rest,
     * and everything once the tier is closed, straight back to the shard.
     */
    void stock(int bin, List<Allocation> retired) {
        List<Allocation> overflow = offerAll(bin, retired);
        landed(bin);
        if (!overflow.isEmpty()) {
            owner.release(overflow);
        }
    }

    /** A restock failed (the shard is out of memory or stopping): the next take may ask again. */
    void stockFailed(int bin) {
        landed(bin);
    }

    private void landed(int bin) {
        inFlightBytes.addAndGet(-restocking.getAndSet(bin, 0) * bins.itemBytes(bin));
        CompletableFuture<Void> waiting = landing.getAndSet(bin, null);
        if (waiting != null) {
            waiting.complete(null);
        }
    }

    /**
     * Completes once the restock of {@code bin} in flight (if any) has landed: a caller its shard
     * refused for lack of memory looks here before it gives up, since that stock may hold the last
     * pages the shard had.
     */
    CompletableFuture<Void> restockLanded(int bin) {
        CompletableFuture<Void> waiting = landing.get(bin);
        return waiting == null
                ? CompletableFuture.completedFuture(null)
                : waiting.copy(); // the caller may complete its copy
    }

    /** Completes once every restock in flight now has landed. */
    CompletableFuture<Void> restocksLanded() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int bin = 1; bin < classes.length; bin++) {
            CompletableFuture<Void> waiting = landing.get(bin);
            if (waiting != null) {
                all.add(waiting);
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** One extent of {@code bin}, or null: for a caller that is not a thread cache's owner. */
    Allocation takeOne(int bin) {
        Allocation a = classes[bin].poll();
        if (a != null) {
            storedBytes.add(-bins.itemBytes(bin));
        }
        return a;
    }

    /**
     * Retired extents of this shard flow back (a thread cache's flush): into their classes' queues
     * while they have room; what does not fit is returned, for the caller to release.
     */
    List<Allocation> give(List<Allocation> retired) {
        List<Allocation> overflow = null;
        for (Allocation a : retired) {
            if (!offer(a)) {
                if (overflow == null) {
                    overflow = new ArrayList<>();
                }
                overflow.add(a);
            }
        }
        return overflow == null ? List.of() : overflow;
    }

    /** One retired extent back into its class, unless that is full or the tier closed. */
    boolean offer(Allocation a) {
        int bin = bins.ofUsable(a.size());
        return !closed && bin != CacheBins.NONE && stored(bin, classes[bin].offer(a));
    }

    private boolean stored(int bin, boolean offered) {
        if (offered) {
            storedBytes.add(bins.itemBytes(bin));
        }
        return offered;
    }

    private List<Allocation> offerAll(int bin, List<Allocation> retired) {
        List<Allocation> overflow = new ArrayList<>(0);
        for (Allocation a : retired) {
            if (closed || !stored(bin, classes[bin].offer(a))) {
                overflow.add(a);
            }
        }
        return overflow;
    }

    /**
     * The sweeper's step: classes nobody took from since the last step halve their target, and
     * whatever lies above its target goes back to the shard.
     */
    void decay() {
        List<Allocation> surplus = new ArrayList<>(0);
        for (int bin = 1; bin < classes.length; bin++) {
            if (takenSinceDecay.getAndSet(bin, 0) == 0) {
                target.set(bin, target.get(bin) / 2);
            }
            drain(bin, classes[bin].size() - target.get(bin), surplus);
        }
        if (!surplus.isEmpty()) {
            owner.release(surplus);
        }
    }

    /** Everything the tier holds, for a trim or the stop; after {@link #close()} nothing comes in again. */
    List<Allocation> drainAll() {
        List<Allocation> all = new ArrayList<>();
        for (int bin = 1; bin < classes.length; bin++) {
            target.set(bin, 0);
            drain(bin, Integer.MAX_VALUE, all);
        }
        return all;
    }

    private void drain(int bin, int count, List<Allocation> out) {
        for (int i = 0; i < count; i++) {
            Allocation a = classes[bin].poll();
            if (a == null) {
                return;
            }
            storedBytes.add(-bins.itemBytes(bin));
            out.add(a);
        }
    }

    void close() {
        closed = true;
    }

    long extents() {
        long n = 0;
        for (int bin = 1; bin < classes.length; bin++) {
            n += classes[bin].size();
        }
        return n;
    }

    long bytes() {
        return storedBytes.sum();
    }

    /** Whether a restock is on its way to any class. */
    boolean restocking() {
        for (int bin = 1; bin < classes.length; bin++) {
            if (restocking.get(bin) != 0) {
                return true;
            }
        }
        return false;
    }

    long taken() {
        return takes.get();
    }

    long dryTakes() {
        return dry.get();
    }

    long restocks() {
        return restocks.get();
    }
}
