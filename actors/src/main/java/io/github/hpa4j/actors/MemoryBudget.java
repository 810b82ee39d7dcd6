package io.github.hpa4j.actors;

import io.github.hpa4j.core.PageBudget;
import io.github.hpa4j.core.Pages;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code hpa4j.max-memory} as the shards' shared {@link PageBudget}: lock-free, one counter for all
 * of them. A refusal raises the pressure flag, which makes every shard purge all its dirty pages;
 * it drops once the held pages fall to three quarters of the limit.
 */
final class MemoryBudget implements PageBudget {
    private final long limitPages;
    private final AtomicLong held = new AtomicLong();
    private volatile boolean pressure;

    /** @param limitBytes the budget, {@link Long#MAX_VALUE} for none */
    MemoryBudget(long limitBytes) {
        this.limitPages = limitBytes == Long.MAX_VALUE ? Long.MAX_VALUE : limitBytes >>> Pages.LG_PAGE;
    }

    @Override
    public boolean tryTake(long pages) {
        while (true) {
            long now = held.get();
            if (now + pages > limitPages) {
                pressure = true;
                BudgetRefusalEvent.emit(pages << Pages.LG_PAGE, now << Pages.LG_PAGE, limitPages << Pages.LG_PAGE);
                return false;
            }
            if (held.compareAndSet(now, now + pages)) {
                return true;
            }
        }
    }

    @Override
    public void give(long pages) {
        long now = held.addAndGet(-pages);
        assert now >= 0 : "gave back more than was taken";
        if (pressure && now <= limitPages / 4 * 3) {
            pressure = false;
        }
    }

    @Override
    public boolean underPressure() {
        return pressure;
    }

    @Override
    public long limitPages() {
        return limitPages;
    }

    @Override
    public long heldPages() {
        return held.get();
    }

    /* A refusal elsewhere (eden's bound on address space): purge and release as if a take had failed. */
    void raisePressure() {
        pressure = true;
    }

    boolean limited() {
        return limitPages != Long.MAX_VALUE;
    }
}
