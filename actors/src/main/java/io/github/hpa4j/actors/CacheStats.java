package io.github.hpa4j.actors;

/**
 * The front's figures: the thread caches and the shards' transfer tiers ({@link FrontCache}).
 * Extents held there are also counted as active (and live) by their shards, as jemalloc counts
 * extents in its caches: the shard never saw them freed. Summed over the caches one after another,
 * so not taken at one instant.
 *
 * @param caches        thread caches alive (their threads have not ended, or the sweeper has not
 *                      seen it yet)
 * @param cachedExtents extents held by the front: thread caches (stacks, and frees of another
 *                      shard's extents waiting for their batch) and transfer tiers
 * @param cachedBytes   their bytes
 * @param hits          extents handed out without a message: from a thread cache or a tier
 * @param misses        extents that had to be asked of a shard while the caller waited
 * @param waits         asks callers waited on (one per call that missed, whatever its count)
 * @param flushes       flushes of a thread cache's oldest extents into its tier
 * @param remoteBatches batches of another shard's extents handed to that shard's tier
 * @param tierExtents   of the cached extents, those in transfer tiers
 * @param tierBytes     their bytes
 * @param tierHits      of the hits, those a thread cache took from a tier
 * @param restocks      restock requests the tiers sent to their shards (nobody waits for them)
 */
public record CacheStats(
        long caches,
        long cachedExtents,
        long cachedBytes,
        long hits,
        long misses,
        long waits,
        long flushes,
        long remoteBatches,
        long tierExtents,
        long tierBytes,
        long tierHits,
        long restocks) {

    /** No cache (hpa4j.cache.enabled = off), or nothing cached yet. */
    public static final CacheStats NONE = new CacheStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** {@return hits over hits plus misses, 0 when nothing was asked} */
    public double hitRatio() {
        long all = hits + misses;
        return all == 0 ? 0 : (double) hits / all;
    }

    /** {@return the share of allocations whose caller waited on a message: misses over hits plus misses} */
    public double waitedShare() {
        long all = hits + misses;
        return all == 0 ? 0 : (double) misses / all;
    }
}
