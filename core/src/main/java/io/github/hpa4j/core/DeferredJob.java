package io.github.hpa4j.core;

/**
 * Work a shard began and the OS must do while the shard goes on serving: hpa.c's
 * "unlock; hooks; relock" as a value. The shard's {@link JobExecutor} runs it (inline, or on the
 * page worker) and hands it back to {@link Shard#finish} or, when the OS call failed,
 * {@link Shard#abort}. Until then its slab is mid_purge or mid_hugify.
 */
public abstract sealed class DeferredJob permits PurgeJob, HugifyJob {
    private final int shard;
    private final PageSlab slab;
    /* Owned by the shard: the page worker only runs the job, it never reads or writes this. */
    private boolean ended;

    DeferredJob(int shard, PageSlab slab) {
        this.shard = shard;
        this.slab = slab;
    }

    /** {@return the shard that began the job and must end it} */
    public int shard() {
        return shard;
    }

    /** {@return the slab's address} */
    public long slabAddress() {
        return slab.address();
    }

    PageSlab slab() {
        return slab;
    }

    /** Marks the job ended; false if it had ended already. */
    boolean markEnded() {
        boolean first = !ended;
        ended = true;
        return first;
    }

    /**
     * Makes the OS calls, in the order hpa.c makes them. Safe to call from any thread: it reads only
     * what the job fixed when it began. Throws {@link PageOperationException} on the first failed
     * call.
     *
     * @param hooks the OS calls to make
     */
    public abstract void run(PageHooks hooks);
}
