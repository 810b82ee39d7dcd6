package io.github.hpa4j.actors;

/**
 * One allocator in JMX, registered on the platform MBean server as
 * {@code io.github.hpa4j:type=Allocator,name=<allocator name>} while the allocator runs. Every
 * attribute read takes a fresh {@link Hpa4j#stats()} snapshot, waiting at most the ask timeout
 * plus one second; sizes are in bytes.
 */
public interface AllocatorMXBean {
    /** The allocator's name, as in its ObjectName and its actors' names. */
    String getName();

    /** The page hooks in use and the hugify style they apply. */
    String getPageHooks();

    /** The number of shards. */
    int getShards();

    /** Active bytes the callers hold (cached and quarantined extents excluded). */
    long getHeldBytes();

    /** Pages handed out or cached, in bytes. */
    long getActiveBytes();

    /** Freed pages not yet given back to the OS, in bytes. */
    long getDirtyBytes();

    /** Free pages inside slabs that still hold live extents, in bytes. */
    long getFragmentedBytes();

    /** Address space eden has mapped. */
    long getMappedBytes();

    /** Resident memory of the allocator's mappings (0 where smaps cannot be read). */
    long getRssBytes();

    /** Of it, bytes backed by transparent hugepages. */
    long getAnonHugePagesBytes();

    /** Slabs (2 MiB each) the shards hold. */
    long getSlabs();

    /** Extents allocated and not yet freed to a shard (cached ones included). */
    long getLiveExtents();

    /** Slabs purged so far. */
    long getPurgePasses();

    /** Slabs hugified so far. */
    long getHugifies();

    /** Slabs dehugified before a purge so far. */
    long getDehugifies();

    /** The memory budget, {@link Long#MAX_VALUE} when there is none. */
    long getBudgetLimitBytes();

    /** What is held against the budget: pages active or dirty. */
    long getBudgetHeldBytes();

    /** Extents the front caches handed out without a message. */
    long getCacheHits();

    /** Extents the front caches could not hand out and asked a shard for. */
    long getCacheMisses();

    /** Bytes held in the front caches now. */
    long getCachedBytes();

    /** Allocations taken back because nobody received them. */
    long getReclaimed();

    /** The whole text report ({@link StatsReport}). */
    String getStatsReport();

    /** Flushes every front cache and quarantine to the shards; waits until they took them back. */
    void trimCaches();

    /** Runs the deferred work due in every shard now; returns the jobs begun. */
    int runDeferredWork();
}
