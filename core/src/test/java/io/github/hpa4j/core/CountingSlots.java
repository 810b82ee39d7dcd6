package io.github.hpa4j.core;

/** A pool of {@code total} job slots for one test's shards, with the hugify reserve of {@link JobSlots}. */
final class CountingSlots implements JobSlots {
    private final int total;
    int inUse;
    int refusals;

    CountingSlots(int total) {
        this.total = total;
    }

    @Override
    public boolean tryAcquire(boolean purge) {
        int free = total - inUse;
        if (free == 0 || (!purge && free == 1 && total > 1)) {
            refusals++;
            return false;
        }
        inUse++;
        return true;
    }

    @Override
    public void release(boolean purge) {
        inUse--;
    }
}
