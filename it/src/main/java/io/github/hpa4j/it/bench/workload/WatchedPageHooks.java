package io.github.hpa4j.it.bench.workload;

import io.github.hpa4j.bridge.CountedPageHooks;
import io.github.hpa4j.bridge.PageHookStats;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Page hooks that tell whether a purge or hugify call is running right now, so that the latency
 * probe can file each allocation under "while a purge ran", "while a hugify ran" or "idle" by what
 * actually overlapped it, not by guessing from the timeline.
 */
final class WatchedPageHooks implements CountedPageHooks {
    /** Calls started and finished; a call is running while started > finished. */
    private final AtomicLong purgesStarted = new AtomicLong();

    private final AtomicLong purgesFinished = new AtomicLong();
    private final AtomicLong hugifiesStarted = new AtomicLong();
    private final AtomicLong hugifiesFinished = new AtomicLong();
    private final CountedPageHooks delegate;

    WatchedPageHooks(CountedPageHooks delegate) {
        this.delegate = delegate;
    }

    /** An opaque stamp: two equal stamps with nothing running in between mean no call overlapped. */
    long purgeStamp() {
        return purgesStarted.get() * 2 + (purgesStarted.get() > purgesFinished.get() ? 1 : 0);
    }

    long hugifyStamp() {
        return hugifiesStarted.get() * 2 + (hugifiesStarted.get() > hugifiesFinished.get() ? 1 : 0);
    }

    /** Whether a call may have overlapped the interval between the two stamps. */
    static boolean overlapped(long before, long after) {
        return before != after || (before & 1) != 0;
    }

    @Override
    public long map(long size) {
        return delegate.map(size);
    }

    @Override
    public void unmap(long address, long size) {
        delegate.unmap(address, size);
    }

    @Override
    public void purge(long address, long size) {
        purgesStarted.incrementAndGet();
        try {
            delegate.purge(address, size);
        } finally {
            purgesFinished.incrementAndGet();
        }
    }

    @Override
    public void hugify(long address, long size) {
        hugifiesStarted.incrementAndGet();
        try {
            delegate.hugify(address, size);
        } finally {
            hugifiesFinished.incrementAndGet();
        }
    }

    @Override
    public void dehugify(long address, long size) {
        delegate.dehugify(address, size);
    }

    @Override
    public PageHookStats stats() {
        return delegate.stats();
    }

    @Override
    public boolean backsHugepages() {
        return delegate.backsHugepages();
    }
}
