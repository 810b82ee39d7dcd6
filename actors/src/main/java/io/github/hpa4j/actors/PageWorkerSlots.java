package io.github.hpa4j.actors;

import io.github.hpa4j.core.JobSlots;
import java.util.ArrayDeque;
import java.util.function.IntConsumer;

/**
 * One budget of jobs in flight for the page-worker pool, shared by every shard ({@link JobSlots}):
 * as many as there are page workers, a hugify never taking the last free one while there are two or
 * more. A shard refused a slot is woken when one frees, so work it could not begin is not left
 * waiting for its next alloc, free or timer.
 */
final class PageWorkerSlots {
    private final int total;
    private final IntConsumer wake;
    private final ArrayDeque<Integer> waiting = new ArrayDeque<>();
    private int inUse;

    /** @param wake asks shard {@code i} to run its deferred work again */
    PageWorkerSlots(int total, IntConsumer wake) {
        this.total = total;
        this.wake = wake;
    }

    /** The view shard {@code shard}'s core takes its slots through. */
    JobSlots forShard(int shard) {
        return new JobSlots() {
            @Override
            public boolean tryAcquire(boolean purge) {
                return acquire(shard, purge);
            }

            @Override
            public void release(boolean purge) {
                PageWorkerSlots.this.release();
            }
        };
    }

    private synchronized boolean acquire(int shard, boolean purge) {
        int free = total - inUse;
        if (free == 0 || (!purge && free == 1 && total > 1)) {
            if (!waiting.contains(shard)) {
                waiting.add(shard);
            }
            return false;
        }
        inUse++;
        return true;
    }

    private void release() {
        Integer next;
        synchronized (this) {
            inUse--;
            next = waiting.poll();
        }
        if (next != null) {
            wake.accept(next);
        }
    }

    synchronized int inUse() {
        return inUse;
    }
}
