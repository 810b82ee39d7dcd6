package io.github.hpa4j.actors;

import io.github.hpa4j.bridge.PageHookStats;
import io.github.hpa4j.bridge.SmapsReading;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.ShardStats;
import java.util.List;

/**
 * One snapshot of the whole allocator. Shards are asked one after another, so the per-shard
 * figures are each consistent but not taken at one instant.
 *
 * @param shards        each shard's snapshot
 * @param total         the sum over shards
 * @param mappedBytes   address space eden has mapped
 * @param edenRemaining of it, bytes not carved into slabs (counted from the shards' slabs)
 * @param smaps         Rss and AnonHugePages of the allocator's regions ({@link SmapsReading#EMPTY}
 *                      where smaps cannot be read)
 * @param pageCalls     the OS calls made so far, or null when the hooks do not count them
 * @param reclaimed     allocations taken back after their reply found nobody (ask timeouts)
 * @param cache         the front cache's figures ({@link CacheStats#NONE} when it is off); its cached
 *                      extents are included in the shards' active pages and live extents
 */
public record AllocatorStats(List<ShardActor.ShardSnapshot> shards, ShardStats total, long mappedBytes,
                             long edenRemaining, SmapsReading smaps, PageHookStats pageCalls, long reclaimed,
                             CacheStats cache) {

    /** Without cache figures (as before issue 7). */
    public AllocatorStats(List<ShardActor.ShardSnapshot> shards, ShardStats total, long mappedBytes,
                          long edenRemaining, SmapsReading smaps, PageHookStats pageCalls, long reclaimed) {
        this(shards, total, mappedBytes, edenRemaining, smaps, pageCalls, reclaimed, CacheStats.NONE);
    }

    /** Active bytes the callers hold: active bytes less those sitting in the front cache. */
    public long heldBytes() {
        return activeBytes() - cache.cachedBytes();
    }

    public long activeBytes() {
        return total.nactive() * Pages.PAGE;
    }

    public long dirtyBytes() {
        return total.ndirty() * Pages.PAGE;
    }

    public int stashDepth() {
        return shards.stream().mapToInt(ShardActor.ShardSnapshot::stashDepth).sum();
    }

    /** Free pages inside slabs that still hold live extents: the cost of fragmentation. */
    public long fragmentedFreeBytes() {
        long slabsWithActive = total.npageslabs() - total.slabs().empty(false).npageslabs()
                - total.slabs().empty(true).npageslabs();
        return (slabsWithActive * Pages.HUGEPAGE_PAGES - total.nactive()
                + total.slabs().empty(false).nactive() + total.slabs().empty(true).nactive()) * Pages.PAGE;
    }
}
