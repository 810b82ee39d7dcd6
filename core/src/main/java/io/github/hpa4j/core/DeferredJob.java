package io.github.hpa4j.core;

/**
 * Work a shard began and the OS must do while the shard goes on serving: hpa.c's
 * "unlock; hooks; relock" as a value. The shard's {@link JobExecutor} runs it (inline, or on the
 * page worker) and hands it back to {@link Shard#finish} or, when the OS call failed,
 * {@link Shard#abort}. Until then its slab is mid_purge or mid_hugify.
 */
public sealed interface DeferredJob permits PurgeJob, HugifyJob {
    /** The shard that began the job and must end it. */
    int shard();

    /** The slab's address. */
    long slabAddress();

    /**
     * Makes the OS calls, in the order hpa.c makes them. Safe to call from any thread: it reads only
     * what the job fixed when it began. Throws {@link PageOperationException} on the first failed
     * call.
     */
    void run(PageHooks hooks);
}
