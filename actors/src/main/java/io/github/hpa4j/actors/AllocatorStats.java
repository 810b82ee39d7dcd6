package io.github.hpa4j.actors;

import io.github.hpa4j.bridge.PageHookStats;
import io.github.hpa4j.bridge.SmapsReading;
import io.github.hpa4j.core.LargeStats;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.ShardStats;
import io.github.hpa4j.core.SmallClassStats;
import java.util.List;

/**
 * One snapshot of the whole allocator. Shards are asked one after another, so the per-shard
 * figures are each consistent but not taken at one instant.
 *
 * @param shards        each shard's snapshot
 * @param total         the sum over shards
 * @param mappedBytes   address space eden has mapped (the large allocators map theirs apart:
 *                      {@link LargeStats#mappedBytes()} of {@code large})
 * @param edenRemaining of it, bytes not carved into slabs (counted from the shards' slabs)
 * @param smaps         Rss and AnonHugePages of the allocator's regions, eden's and the large
 *                      allocators' ({@link SmapsReading#EMPTY}
 *                      where smaps cannot be read)
 * @param pageCalls     the OS calls made so far, or null when the hooks do not count them
 * @param reclaimed     allocations taken back because nobody received them (an ask that timed out,
 *                      a stage its caller cancelled or completed, an interrupted synchronous call, a
 *                      reply to an actor that stopped)
 * @param cache         the front cache's figures ({@link CacheStats#NONE} when it is off); its cached
 *                      extents are included in the shards' active pages and live extents
 * @param safety        leak reports, writes after free and quarantine; quarantined extents are
 *                      included in the shards' active pages too
 * @param pageHooks     the page hooks in use and the hugify style they apply
 * @param budget        the memory budget and what is held against it
 * @param smallClasses  each small size class summed over shards, smallest first (malloc_stats_print's
 *                      bins); their slabs are among the shards' active pages
 * @param large         the large allocators summed over shards (malloc_stats_print's large extents)
 */
public record AllocatorStats(
        List<ShardActor.ShardSnapshot> shards,
        ShardStats total,
        long mappedBytes,
        long edenRemaining,
        SmapsReading smaps,
        PageHookStats pageCalls,
        long reclaimed,
        CacheStats cache,
        SafetyStats safety,
        String pageHooks,
        BudgetStats budget,
        List<SmallClassStats> smallClasses,
        LargeStats large) {

    /**
     * Bytes the callers hold: the pages active less those in the front cache, the quarantines and
     * bin slabs, plus the live small regions and large allocations at their usable sizes.
     *
     * @return the bytes the callers hold
     */
    public long heldBytes() {
        return activeBytes()
                - cache.cachedBytes()
                - safety.quarantinedBytes()
                - binSlabBytes()
                + smallBytes()
                + large.curBytes();
    }

    /** {@return bytes of the live small regions, at their class sizes} */
    public long smallBytes() {
        long bytes = 0;
        for (SmallClassStats c : smallClasses) {
            bytes += c.curBytes();
        }
        return bytes;
    }

    /** {@return bytes of the pages bin slabs take from the shards} */
    public long binSlabBytes() {
        long bytes = 0;
        for (SmallClassStats c : smallClasses) {
            bytes += c.curslabs() * c.slabPages() * Pages.PAGE;
        }
        return bytes;
    }

    /** {@return the pages handed out or cached, in bytes} */
    public long activeBytes() {
        return total.nactive() * Pages.PAGE;
    }

    /** {@return the freed pages not yet given back to the OS, in bytes} */
    public long dirtyBytes() {
        return total.ndirty() * Pages.PAGE;
    }

    /** {@return the allocations waiting for eden over every shard} */
    public int stashDepth() {
        return shards.stream().mapToInt(ShardActor.ShardSnapshot::stashDepth).sum();
    }

    /** {@return free pages inside slabs that still hold live extents: the cost of fragmentation} */
    public long fragmentedFreeBytes() {
        long slabsWithActive = total.npageslabs()
                - total.slabs().empty(false).npageslabs()
                - total.slabs().empty(true).npageslabs();
        return (slabsWithActive * Pages.HUGEPAGE_PAGES
                        - total.nactive()
                        + total.slabs().empty(false).nactive()
                        + total.slabs().empty(true).nactive())
                * Pages.PAGE;
    }

    /** One line: what is held, active, dirty and resident; {@link StatsReport#render} gives everything. */
    @Override
    public String toString() {
        return "AllocatorStats[held " + StatsReport.bytes(heldBytes()) + ", active " + StatsReport.bytes(activeBytes())
                + ", dirty " + StatsReport.bytes(dirtyBytes()) + ", " + total.npageslabs() + " slabs in "
                + shards.size() + " shards, mapped " + StatsReport.bytes(mappedBytes) + ", rss "
                + StatsReport.bytes(smaps.rss()) + " (" + Math.round(smaps.hugepageCoverage() * 100)
                + " % huge), cache hits " + Math.round(cache.hitRatio() * 100) + " %]";
    }
}
