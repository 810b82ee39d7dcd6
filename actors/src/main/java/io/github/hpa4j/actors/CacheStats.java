package io.github.hpa4j.actors;

/**
 * The front cache's figures ({@link FrontCache}). Cached extents are also counted as active (and
 * live) by their shards, as jemalloc counts extents in its caches: the shard never saw them freed.
 * Summed over the thread caches one after another, so not taken at one instant.
 *
 * @param caches        thread caches alive (their threads have not ended, or the sweeper has not
 *                      seen it yet)
 * @param cachedExtents extents held by the caches: in size-class bins, or freed to another shard
 *                      and waiting for their batch
 * @param cachedBytes   their bytes
 * @param hits          extents handed out from a cache, without a message
 * @param misses        extents a cache could not hand out, asked from the shard in a refill
 * @param refills       batch allocations the caches sent (one per miss call)
 * @param flushes       batch frees the caches sent to their own shard
 * @param remoteBatches batch frees the caches sent to another shard (frees of its extents)
 */
public record CacheStats(long caches, long cachedExtents, long cachedBytes, long hits, long misses, long refills,
                         long flushes, long remoteBatches) {

    /** No cache (hpa4j.cache.enabled = off), or nothing cached yet. */
    public static final CacheStats NONE = new CacheStats(0, 0, 0, 0, 0, 0, 0, 0);

    /** Hits over hits plus misses, 0 when nothing was asked. */
    public double hitRatio() {
        long all = hits + misses;
        return all == 0 ? 0 : (double) hits / all;
    }
}
