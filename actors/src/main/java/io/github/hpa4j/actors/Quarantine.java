package io.github.hpa4j.actors;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard's quarantine at the checked safety levels: freed extents are filled with
 * {@link #POISON} and wait here, first in first out, until more than {@code capacity} bytes wait
 * behind them. An extent that leaves is checked: a byte that is no longer poison was written after
 * its free (through a raw address, native code, a segment the caller re-made), and is reported with
 * the site the allocation was made at. Thread-safe: the facade's callers and the shard actor free
 * into it.
 */
final class Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);

    /** jemalloc's junk-on-free byte. */
    static final byte POISON = 0x5a;

    private final long capacity;
    private final Function<Allocation, MemorySegment> view;
    private final MemorySegment poison;
    private final AtomicLong writesAfterFree;
    private final ArrayDeque<Allocation> entries = new ArrayDeque<>();
    private long bytes;

    /**
     * @param view            a view of a freed allocation's memory that stays valid while the
     *                        allocator runs (its own scope is closed by then)
     * @param poison          at least as long as any extent, all {@link #POISON}
     * @param writesAfterFree counts every extent found written to
     */
    Quarantine(
            long capacity, Function<Allocation, MemorySegment> view, MemorySegment poison, AtomicLong writesAfterFree) {
        this.capacity = capacity;
        this.view = view;
        this.poison = poison;
        this.writesAfterFree = writesAfterFree;
    }

    /**
     * Poisons the freed handles and takes them in; returns those that left, checked. Once the
     * allocator has closed its scopes nothing can be poisoned or used again: they pass straight
     * through to their shard, which is stopping.
     */
    List<Allocation> admit(List<Allocation> freed) {
        try {
            for (Allocation a : freed) {
                view.apply(a).fill(POISON);
            }
        } catch (IllegalStateException closed) {
            return freed;
        }
        List<Allocation> leaving = new ArrayList<>();
        synchronized (this) {
            for (Allocation a : freed) {
                entries.addLast(a);
                bytes += a.size();
            }
            while (bytes > capacity) {
                Allocation oldest = entries.removeFirst();
                bytes -= oldest.size();
                leaving.add(oldest);
            }
        }
        check(leaving);
        return leaving;
    }

    /** Everything now (trim, stop), checked. */
    List<Allocation> drain() {
        List<Allocation> leaving;
        synchronized (this) {
            leaving = new ArrayList<>(entries);
            entries.clear();
            bytes = 0;
        }
        check(leaving);
        return leaving;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized int extents() {
        return entries.size();
    }

    private void check(List<Allocation> leaving) {
        try {
            for (Allocation a : leaving) {
                long first = MemorySegment.mismatch(view.apply(a), 0, a.size(), poison, 0, a.size());
                if (first >= 0) {
                    writesAfterFree.incrementAndGet();
                    report(a, first);
                }
            }
        } catch (IllegalStateException closed) {
            // The allocator stopped: its memory is about to be unmapped, and nothing is reused.
        }
    }

    private static void report(Allocation a, long offset) {
        String what = "hpa4j: write after free: " + a + " was written to at offset " + offset
                + " after it was freed (found when it left quarantine).";
        if (a.site != null) {
            LOG.error("{} It was allocated here:", what, a.site);
        } else {
            LOG.error(what);
        }
    }
}
