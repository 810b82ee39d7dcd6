package io.github.hpa4j.actors;

/**
 * One allocator in JMX, registered on the platform MBean server as
 * {@code io.github.hpa4j:type=Allocator,name=<allocator name>} while the allocator runs. Every
 * attribute read takes a fresh {@link Hpa4j#stats()} snapshot, waiting at most the ask timeout
 * plus one second; sizes are in bytes.
 */
public interface AllocatorMXBean {
    /** {@return the allocator's name, as in its ObjectName and its actors' names} */
    String getName();

    /** {@return the page hooks in use and the hugify style they apply} */
    String getPageHooks();

    /** {@return the number of shards} */
    int getShards();

    /** {@return active bytes the callers hold (cached and quarantined extents excluded)} */
    long getHeldBytes();

    /** {@return pages handed out or cached, in bytes} */
    long getActiveBytes();

    /** {@return freed pages not yet given back to the OS, in bytes} */
    long getDirtyBytes();

    /** {@return free pages inside slabs that still hold live extents, in bytes} */
    long getFragmentedBytes();

    /** {@return address space eden has mapped} */
    long getMappedBytes();

    /** {@return resident memory of the allocator's mappings (0 where smaps cannot be read)} */
    long getRssBytes();

    /** {@return the bytes of {@link #getRssBytes()} backed by transparent hugepages} */
    long getAnonHugePagesBytes();

    /** {@return slabs (2 MiB each) the shards hold} */
    long getSlabs();

    /** {@return extents allocated and not yet freed to a shard (cached ones included)} */
    long getLiveExtents();

    /** {@return slabs purged so far} */
    long getPurgePasses();

    /** {@return slabs hugified so far} */
    long getHugifies();

    /** {@return slabs dehugified before a purge so far} */
    long getDehugifies();

    /** {@return the memory budget, {@link Long#MAX_VALUE} when there is none} */
    long getBudgetLimitBytes();

    /** {@return what is held against the budget: pages active or dirty} */
    long getBudgetHeldBytes();

    /** {@return extents the front caches handed out without a message} */
    long getCacheHits();

    /** {@return extents the front caches could not hand out and asked a shard for} */
    long getCacheMisses();

    /** {@return bytes held in the front caches now} */
    long getCachedBytes();

    /** {@return allocations taken back because nobody received them} */
    long getReclaimed();

    /** {@return the whole text report ({@link StatsReport})} */
    String getStatsReport();

    /** Flushes every front cache and quarantine to the shards; waits until they took them back. */
    void trimCaches();

    /**
     * Runs the deferred work due in every shard now; returns the jobs begun.
     *
     * @return the jobs begun
     */
    int runDeferredWork();
}
