package io.github.hpa4j.it.runner;

import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.BudgetStats;
import io.github.hpa4j.actors.CacheStats;
import io.github.hpa4j.actors.SafetyStats;
import io.github.hpa4j.bridge.SmapsReading;
import io.github.hpa4j.core.ShardStats;
import java.util.List;

/** Fragmentation of one shard, by the allocator's own definition. */
final class Fragmentation {
    private Fragmentation() {
    }

    /**
     * Free pages inside slabs that still hold live extents, in bytes. Delegates to
     * {@link AllocatorStats#fragmentedFreeBytes()} (which reads only the totals) so that per-shard
     * and allocator-wide figures can never disagree on what "fragmented" means.
     */
    static long freeBytesInPartlyUsedSlabs(ShardStats stats) {
        return new AllocatorStats(List.of(), stats, 0, 0, SmapsReading.EMPTY, null, 0, CacheStats.NONE,
                SafetyStats.NONE, "", BudgetStats.NONE).fragmentedFreeBytes();
    }
}
