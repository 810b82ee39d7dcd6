package io.github.hpa4j.core;

/**
 * A budget of {@code limit} pages for one test's shards, single-threaded. The first refusal raises
 * pressure for good, so that a test sees what a shard does under pressure after its purges too.
 */
final class CountingBudget implements PageBudget {
    private final long limit;
    private long held;
    private boolean pressure;
    int refusals;

    CountingBudget(long limit) {
        this.limit = limit;
    }

    @Override
    public boolean tryTake(long pages) {
        if (held + pages > limit) {
            refusals++;
            pressure = true;
            return false;
        }
        held += pages;
        return true;
    }

    @Override
    public void give(long pages) {
        held -= pages;
        if (held < 0) {
            throw new AssertionError("gave back more than was taken: " + held);
        }
    }

    @Override
    public boolean underPressure() {
        return pressure;
    }

    @Override
    public long limitPages() {
        return limit;
    }

    @Override
    public long heldPages() {
        return held;
    }
}
