package io.github.hpa4j.it.runner;

import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.it.text.Fmt;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * One client: a plain thread of its own (hpa4j's facade picks a shard by thread, so a client keeps
 * talking to the same shard), its share of the working set, and the allocations it holds. Every
 * allocation is written right after it arrives and verified right before it is freed.
 *
 * <p>Each phase method runs on the client's thread and returns when the phase's work is done, the
 * deadline passed, or {@code aborted} says another client failed. Not thread-safe otherwise: only
 * the client's own thread touches its allocations.
 */
final class WorkloadClient implements AutoCloseable {
    /** Frees at teardown go in batches: the last step need not measure single frees. */
    private static final int TEARDOWN_BATCH = 512;

    private final int index;
    private final Hpa4j allocator;
    private final WorkloadMetrics metrics;
    private final PagePattern pattern;
    private final long share;
    private final long minSize;
    private final long maxSize;
    private final SplittableRandom random;
    private final BooleanSupplier aborted;
    private final ExecutorService thread;
    private final double longLivedFraction;
    /** Allocated first and kept until the free phase: dense slabs that churn leaves alone. */
    private final List<Live> longLived = new ArrayList<>();
    /** The rest of the working set, which churn replaces. */
    private final List<Live> churned = new ArrayList<>();

    private long liveBytes;
    private long longLivedBytes;
    private long allocationsMade;

    /** An allocation held by the client, with the tag its pattern was written from. */
    private record Live(Allocation allocation, long tag, long serial) {}

    WorkloadClient(
            int index, Hpa4j allocator, WorkloadMetrics metrics, RunnerOptions options, BooleanSupplier aborted) {
        this.index = index;
        this.allocator = allocator;
        this.metrics = metrics;
        this.pattern = new PagePattern(options.fill());
        this.share = options.workingSet() / options.clients();
        this.longLivedFraction = options.longLived();
        this.minSize = options.minSize();
        this.maxSize = options.maxSize();
        // Distinct, reproducible streams per client from one seed.
        this.random = new SplittableRandom(options.seed() + 0x9E3779B97F4A7C15L * (index + 1));
        this.aborted = aborted;
        this.thread = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("workload-client-" + index).daemon().factory());
    }

    /**
     * Allocates the long-lived part of the client's share. The runner waits for every client to
     * finish this before {@link #growRest}, so long-lived allocations share slabs only with each other.
     */
    CompletableFuture<Void> growLongLived(long deadlineNanos) {
        return onThread(() -> {
            long target = (long) (share * longLivedFraction);
            long next = nextSize();
            while (!stopped(deadlineNanos) && longLivedBytes + Pages.pageCeiling(next) <= target) {
                longLivedBytes += allocate(Phase.GROW, next, longLived);
                next = nextSize();
            }
        });
    }

    /** Allocates until the client's whole share of the working set is live, or the deadline. */
    CompletableFuture<Void> growRest(long deadlineNanos) {
        return onThread(() -> {
            long next = nextSize();
            while (!stopped(deadlineNanos) && liveBytes + Pages.pageCeiling(next) <= share) {
                allocate(Phase.GROW, next, churned);
                next = nextSize();
            }
        });
    }

    /**
     * Until the deadline: allocate the next random size when it fits in the share, else free a
     * random victim first. The next size is drawn once and kept until it fits, so large sizes are
     * not under-represented.
     */
    CompletableFuture<Void> churn(long deadlineNanos) {
        return onThread(() -> {
            long next = nextSize();
            while (!stopped(deadlineNanos)) {
                if (churned.isEmpty() || liveBytes + Pages.pageCeiling(next) <= share) {
                    allocate(Phase.CHURN, next, churned);
                    next = nextSize();
                } else {
                    freeRandom(Phase.CHURN, churned);
                }
            }
        });
    }

    /** Frees {@code fraction} of the client's allocations, long-lived or not, picked at random. */
    CompletableFuture<Void> freeFraction(double fraction) {
        return onThread(() -> {
            long toFree = Math.round(liveCount() * fraction);
            for (long i = 0; i < toFree && !aborted.getAsBoolean(); i++) {
                int pick = random.nextInt(liveCount());
                freeRandom(Phase.FREE, pick < longLived.size() ? longLived : churned);
            }
        });
    }

    /** Holds its allocations and does nothing until the deadline: the allocator is left alone. */
    CompletableFuture<Void> idleUntil(long deadlineNanos) {
        return onThread(() -> {
            while (!stopped(deadlineNanos)) {
                long left = deadlineNanos - System.nanoTime();
                try {
                    Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000))); // short naps: aborts are seen soon
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    /** Verifies and frees everything still held (after the last phase; not measured). */
    CompletableFuture<Void> releaseAll() {
        return onThread(() -> {
            release(longLived);
            release(churned);
        });
    }

    private void release(List<Live> live) {
        while (!live.isEmpty()) {
            int from = Math.max(0, live.size() - TEARDOWN_BATCH);
            List<Live> batch = live.subList(from, live.size());
            List<Allocation> allocations = new ArrayList<>(batch.size());
            long bytes = 0;
            for (Live l : batch) {
                pattern.verify(l.allocation(), l.tag(), l.serial());
                allocations.add(l.allocation());
                bytes += l.allocation().size();
            }
            join(allocator.freeBatch(allocations), "free " + allocations.size() + " allocations at teardown");
            batch.clear();
            liveBytes -= bytes;
            metrics.released(bytes, allocations.size());
        }
    }

    /** Allocates, checks, writes and keeps one allocation in {@code into}; returns its size. */
    private long allocate(Phase phase, long bytes, List<Live> into) {
        long start = System.nanoTime();
        Allocation allocation = join(allocator.allocate(bytes), "allocate(" + bytes + " bytes) in " + phase.label());
        long nanos = System.nanoTime() - start;
        long serial = ++allocationsMade;
        if (allocation.size() < bytes
                || allocation.size() % Pages.PAGE != 0
                || allocation.address() % Pages.PAGE != 0) {
            throw new DataMismatchException("client " + index + " allocation #" + serial + ": asked for " + bytes
                    + " bytes, got " + allocation);
        }
        metrics.allocated(phase, allocation.size(), nanos);
        long tag = random.nextLong();
        pattern.write(allocation, tag);
        into.add(new Live(allocation, tag, serial));
        liveBytes += allocation.size();
        return allocation.size();
    }

    // live is one of this client's two lists; identity says which.
    @SuppressWarnings("ReferenceEquality")
    private void freeRandom(Phase phase, List<Live> live) {
        int victim = random.nextInt(live.size());
        Live l = live.get(victim);
        // Swap-remove: order does not matter, and a random pick stays O(1).
        live.set(victim, live.get(live.size() - 1));
        live.remove(live.size() - 1);
        pattern.verify(l.allocation(), l.tag(), l.serial());
        long start = System.nanoTime();
        join(allocator.free(l.allocation()), "free(" + l.allocation() + ") in " + phase.label());
        metrics.freed(phase, l.allocation().size(), System.nanoTime() - start);
        liveBytes -= l.allocation().size();
        if (live == longLived) {
            longLivedBytes -= l.allocation().size();
        }
    }

    private int liveCount() {
        return longLived.size() + churned.size();
    }

    private long nextSize() {
        return minSize == maxSize ? minSize : random.nextLong(minSize, maxSize + 1);
    }

    private boolean stopped(long deadlineNanos) {
        return aborted.getAsBoolean() || System.nanoTime() - deadlineNanos >= 0;
    }

    private <T> T join(java.util.concurrent.CompletionStage<T> stage, String what) {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new WorkloadFailedException(
                    "client " + index + ": " + what + " failed while it held " + liveCount() + " allocations ("
                            + Fmt.bytes(liveBytes) + "): " + cause,
                    cause);
        }
    }

    private CompletableFuture<Void> onThread(Runnable body) {
        return CompletableFuture.runAsync(body, thread);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
