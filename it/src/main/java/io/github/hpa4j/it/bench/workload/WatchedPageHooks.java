package io.github.hpa4j.it.bench.workload;

import io.github.hpa4j.bridge.CountedPageHooks;
import io.github.hpa4j.bridge.ForwardingCountedPageHooks;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Page hooks that tell whether a purge or hugify call is running right now, so that the latency
 * probe can file each allocation under "while a purge ran", "while a hugify ran" or "idle" by what
 * actually overlapped it, not by guessing from the timeline.
 */
final class WatchedPageHooks extends ForwardingCountedPageHooks {
    private final CallsInFlight purges = new CallsInFlight();
    private final CallsInFlight hugifies = new CallsInFlight();

    WatchedPageHooks(CountedPageHooks delegate) {
        super(delegate);
    }

    /** An opaque stamp: two equal stamps with nothing running in between mean no call overlapped. */
    long purgeStamp() {
        return purges.stamp();
    }

    long hugifyStamp() {
        return hugifies.stamp();
    }

    /** Whether a call may have overlapped the interval between the two stamps. */
    static boolean overlapped(long before, long after) {
        return before != after || (before & 1) != 0;
    }

    @Override
    public void purge(long address, long size) {
        purges.run(() -> super.purge(address, size));
    }

    @Override
    public void hugify(long address, long size) {
        hugifies.run(() -> super.hugify(address, size));
    }

    /** Calls of one kind started and finished; a call is running while started > finished. */
    private static final class CallsInFlight {
        private final AtomicLong started = new AtomicLong();
        private final AtomicLong finished = new AtomicLong();

        long stamp() {
            long begun = started.get();
            return begun * 2 + (begun > finished.get() ? 1 : 0);
        }

        void run(Runnable call) {
            started.incrementAndGet();
            try {
                call.run();
            } finally {
                finished.incrementAndGet();
            }
        }
    }
}
