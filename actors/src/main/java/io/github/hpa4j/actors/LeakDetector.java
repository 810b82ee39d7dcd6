package io.github.hpa4j.actors;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports handles that became unreachable without a free, in the manner of Netty's
 * {@code ResourceLeakDetector}: a watched handle has a weak reference kept in a set; its free
 * removes it; a reference the collector enqueues while still in the set is a leak. Report only: the
 * leaked pages stay active (a segment may still reach them) until the allocator stops.
 */
final class LeakDetector {
    private static final Logger LOG = LoggerFactory.getLogger(LeakDetector.class);

    /** One watched handle; keeps what a report needs, since the handle itself is gone by then. */
    static final class Tracker extends WeakReference<Allocation> {
        final long address;
        final long size;
        final int shard;
        volatile Throwable site;

        Tracker(Allocation allocation, ReferenceQueue<Allocation> queue) {
            super(allocation, queue);
            this.address = allocation.address();
            this.size = allocation.size();
            this.shard = allocation.shard();
            this.site = allocation.site;
        }
    }

    private final int sampling;
    private final boolean every;
    private final ReferenceQueue<Allocation> queue = new ReferenceQueue<>();
    private final Set<Tracker> watched = ConcurrentHashMap.newKeySet();
    private final AtomicLong reported = new AtomicLong();
    private volatile boolean stopped;

    /**
     * @param sampling one handle in this many is watched (0 = none)
     * @param every    watch every handle whatever {@code sampling} says
     */
    LeakDetector(int sampling, boolean every) {
        this.sampling = sampling;
        this.every = every;
    }

    /** Watches {@code allocation} if it is sampled; reports what the collector found meanwhile. */
    void maybeTrack(Allocation allocation) {
        if (every || (sampling > 0 && ThreadLocalRandom.current().nextInt(sampling) == 0)) {
            Tracker tracker = new Tracker(allocation, queue);
            allocation.leak = tracker;
            watched.add(tracker);
            poll();
        }
    }

    /** The handle was freed (or reclaimed): not a leak. */
    void untrack(Allocation allocation) {
        Tracker tracker = allocation.leak;
        if (tracker != null) {
            allocation.leak = null;
            watched.remove(tracker);
            tracker.clear();
        }
    }

    /** Reports every watched handle the collector found unreachable. */
    void poll() {
        for (Object ref; (ref = queue.poll()) != null; ) {
            Tracker tracker = (Tracker) ref;
            if (watched.remove(tracker) && !stopped) {
                reported.incrementAndGet();
                report(tracker);
            }
        }
    }

    private static void report(Tracker tracker) {
        String what = "hpa4j LEAK: an allocation of " + tracker.size + " bytes at 0x"
                + Long.toHexString(tracker.address)
                + " (shard " + tracker.shard + ") became unreachable without a free; its pages stay in use until the "
                + "allocator stops.";
        if (tracker.site != null) {
            LOG.warn("{} It was allocated here:", what, tracker.site);
        } else {
            LOG.warn("{} Set hpa4j.safety.level = paranoid to see where it was allocated.", what);
        }
    }

    /** At stop: what is still live is reclaimed by the shards, not leaked. */
    void stop() {
        stopped = true;
        watched.clear();
    }

    long reported() {
        return reported.get();
    }

    int watched() {
        return watched.size();
    }
}
