package io.github.hpa4j.core;

/**
 * The page workers an allocator's shards share: each job in flight holds a slot, whichever shard
 * began it. hpa.c runs purges and hugifies on the thread that decides them; hpa4j hands them to a
 * pool, and without one budget for the pool every shard would queue up to its own limit behind the
 * others. A hugify (a MADV_COLLAPSE takes milliseconds) never takes the last free slot while there is
 * more than one, so purges, which give memory back, are never starved by hugifies. Injected like the
 * hooks; the owner makes it safe to share.
 */
public interface JobSlots {
    /** No bound beyond each shard's own limit. */
    JobSlots UNLIMITED = new JobSlots() {
        @Override
        public boolean tryAcquire(boolean purge) {
            return true;
        }

        @Override
        public void release(boolean purge) {}
    };

    /**
     * Takes a slot for a purge ({@code purge}) or a hugify; false, taking nothing, when none is free for it.
     *
     * @param purge true for a purge, false for a hugify
     * @return whether a slot was taken
     */
    boolean tryAcquire(boolean purge);

    /**
     * The job that held a slot ended (finished or aborted).
     *
     * @param purge the kind of job it was, as given to {@link #tryAcquire}
     */
    void release(boolean purge);
}
