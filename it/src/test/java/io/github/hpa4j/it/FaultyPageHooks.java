package io.github.hpa4j.it;

import io.github.hpa4j.bridge.CountedPageHooks;
import io.github.hpa4j.bridge.ForwardingCountedPageHooks;
import io.github.hpa4j.core.PageOperationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Real page hooks with faults switched on and off by the test, from any thread:
 * <ul>
 *   <li>a share of purge and hugify calls (for 10 %: the 1st, 11th, 21st, ... of each kind) fails with a
 *       {@link PageOperationException} before reaching the OS, as an EAGAIN from madvise would;</li>
 *   <li>purge, hugify and dehugify calls take extra time ({@link LockSupport#parkNanos}: a slow OS
 *       call on the page worker's thread, not a pause of the test);</li>
 *   <li>eden's map fails (ENOMEM), throws what no hook should (a bug), or is held until the test
 *       opens the gate (a map that hangs).</li>
 * </ul>
 * Everything else goes to the real hooks, so memory, smaps and the call counters stay real.
 */
final class FaultyPageHooks extends ForwardingCountedPageHooks {
    private volatile double jobCallFailureShare;
    private volatile long jobCallLatencyNanos;
    private volatile boolean mapFails;
    private volatile boolean mapThrows;
    private volatile long mapLatencyNanos;
    private final AtomicReference<CountDownLatch> mapGate = new AtomicReference<>();

    private final AtomicLong purgeCalls = new AtomicLong();
    private final AtomicLong hugifyCalls = new AtomicLong();
    final AtomicLong injectedPurgeFailures = new AtomicLong();
    final AtomicLong injectedHugifyFailures = new AtomicLong();
    final AtomicLong injectedMapFailures = new AtomicLong();
    final AtomicLong mapsHeld = new AtomicLong();
    final AtomicLong successfulMaps = new AtomicLong();

    FaultyPageHooks(CountedPageHooks real) {
        super(real);
    }

    /** Fail this share (0..1) of purge and hugify calls. */
    void failJobCalls(double share) {
        purgeCalls.set(0);
        hugifyCalls.set(0);
        jobCallFailureShare = share;
    }

    /** Make every purge, hugify and dehugify call take this much longer. */
    void slowJobCalls(long nanos) {
        jobCallLatencyNanos = nanos;
    }

    /** Make every map fail (true) or work again (false). */
    void failMaps(boolean fail) {
        mapFails = fail;
    }

    /** Make every map throw an IllegalStateException (true), as hooks with a bug would, or work again. */
    void throwOnMaps(boolean fail) {
        mapThrows = fail;
    }

    /** Make every map take this much longer. */
    void slowMaps(long nanos) {
        mapLatencyNanos = nanos;
    }

    /** From now on maps wait until {@link #openMaps()}. */
    void holdMaps() {
        mapGate.set(new CountDownLatch(1));
    }

    void openMaps() {
        CountDownLatch gate = mapGate.getAndSet(null);
        if (gate != null) {
            gate.countDown();
        }
    }

    @Override
    public long map(long size) {
        CountDownLatch gate = mapGate.get();
        if (gate != null) {
            mapsHeld.incrementAndGet();
            try {
                if (!gate.await(120, TimeUnit.SECONDS)) {
                    throw new PageOperationException("map", 0, size, "ETIMEDOUT", "held by the test for too long");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PageOperationException("map", 0, size, "EINTR", "interrupted while held by the test");
            }
        }
        delay(mapLatencyNanos);
        if (mapThrows) {
            throw new IllegalStateException("a map that broke the hooks' contract, injected by the test");
        }
        if (mapFails) {
            injectedMapFailures.incrementAndGet();
            throw new PageOperationException("map", 0, size, "ENOMEM", "injected by the test");
        }
        long address = super.map(size);
        successfulMaps.incrementAndGet();
        return address;
    }

    @Override
    public void purge(long address, long size) {
        delay(jobCallLatencyNanos);
        maybeFail("purge", purgeCalls, injectedPurgeFailures, address, size);
        super.purge(address, size);
    }

    @Override
    public void hugify(long address, long size) {
        delay(jobCallLatencyNanos);
        maybeFail("hugify", hugifyCalls, injectedHugifyFailures, address, size);
        super.hugify(address, size);
    }

    @Override
    public void dehugify(long address, long size) {
        delay(jobCallLatencyNanos);
        super.dehugify(address, size);
    }

    /*
     * Deterministic, per kind of call: with share 0.1 the 1st, 11th, 21st, ... call fails, so the
     * first purge and the first hugify made while the fault is on are sure to fail.
     */
    private void maybeFail(String operation, AtomicLong calls, AtomicLong injected, long address, long size) {
        double share = jobCallFailureShare;
        if (share <= 0) {
            return;
        }
        long period = Math.max(1, Math.round(1 / share));
        if ((calls.incrementAndGet() - 1) % period == 0) {
            injected.incrementAndGet();
            throw new PageOperationException(operation, address, size, "EAGAIN", "injected by the test");
        }
    }

    /* A slow system call: the calling (page worker or eden) thread is busy for that long. */
    private static void delay(long nanos) {
        if (nanos <= 0) {
            return;
        }
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    @Override
    public String toString() {
        return "FaultyPageHooks[" + delegate() + "]";
    }
}
