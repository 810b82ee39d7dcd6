package io.github.hpa4j.it.bench.workload;

import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.it.bench.LatencyLog;
import org.HdrHistogram.Histogram;

/**
 * Times 16 KiB alloc+free pairs through the ask facade, back to back on one thread, and files each
 * under what the page workers were doing meanwhile (see {@link WatchedPageHooks}). The question it
 * answers: does an allocation wait while a purge (or hugify) runs? In hpa.c it may (the shard mutex
 * is dropped around the madvise, but the thread that purges is an allocating thread when deferral is
 * off); in hpa4j the madvise runs on a page worker.
 */
public final class LatencyProbe implements AutoCloseable {
    public static final int BYTES = 16 * 1024;

    private final Hpa4j hpa4j;
    private final WatchedPageHooks hooks;
    private final Histogram idle = LatencyLog.newHistogram();
    private final Histogram duringPurge = LatencyLog.newHistogram();
    private final Histogram duringHugify = LatencyLog.newHistogram();
    private final Thread thread;
    private volatile boolean running = true;

    LatencyProbe(Hpa4j hpa4j, WatchedPageHooks hooks) {
        this.hpa4j = hpa4j;
        this.hooks = hooks;
        this.thread = new Thread(this::run, "latency-probe");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            long purge = hooks.purgeStamp();
            long hugify = hooks.hugifyStamp();
            long start = System.nanoTime();
            Allocation allocation = hpa4j.allocate(BYTES).toCompletableFuture().join();
            hpa4j.free(allocation).toCompletableFuture().join();
            long nanos = System.nanoTime() - start;
            if (WatchedPageHooks.overlapped(purge, hooks.purgeStamp())) {
                duringPurge.recordValue(nanos);
            } else if (WatchedPageHooks.overlapped(hugify, hooks.hugifyStamp())) {
                duringHugify.recordValue(nanos);
            } else {
                idle.recordValue(nanos);
            }
        }
    }

    /** Stops the probe; the histograms are complete once this returns. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Histogram idle() {
        return idle;
    }

    Histogram duringPurge() {
        return duringPurge;
    }

    Histogram duringHugify() {
        return duringHugify;
    }
}
