package io.github.hpa4j.core;

/**
 * A snapshot of one shard (jemalloc's {@code hpa_shard_stats_t}, merged from the live shard), plus
 * what hpa4j's asynchronous jobs add.
 *
 * @param shard          the shard's index, or -1 for a sum over shards
 * @param slabs          the slab set's bins (a copy)
 * @param counters       purge and hugify counters
 * @param npendingPurge  dirty pages of purge jobs in flight
 * @param jobsInFlight   purge and hugify jobs begun and not yet ended
 * @param liveExtents    extents allocated and not freed
 * @param liveBytes      their bytes
 */
public record ShardStats(
        int shard,
        PageSlabSetStats slabs,
        ShardCounters counters,
        long npendingPurge,
        int jobsInFlight,
        long liveExtents,
        long liveBytes) {

    /** {@return the stats of no shard: the start of a sum (shard -1)} */
    public static ShardStats empty() {
        return new ShardStats(-1, new PageSlabSetStats(), ShardCounters.ZERO, 0, 0, 0, 0);
    }

    /**
     * hpa_shard_stats_accum: the sum of two snapshots (shard -1).
     *
     * @param o the snapshot to add
     * @return the sum
     */
    public ShardStats plus(ShardStats o) {
        PageSlabSetStats sum = slabs.copy();
        sum.accumulate(o.slabs);
        return new ShardStats(
                -1,
                sum,
                counters.plus(o.counters),
                npendingPurge + o.npendingPurge,
                jobsInFlight + o.jobsInFlight,
                liveExtents + o.liveExtents,
                liveBytes + o.liveBytes);
    }

    /** {@return active pages over every bin} */
    public long nactive() {
        return slabs.merged().nactive();
    }

    /** {@return dirty pages over every bin, pending purges excluded} */
    public long ndirty() {
        return slabs.merged().ndirty();
    }

    /** {@return slabs over every bin} */
    public long npageslabs() {
        return slabs.merged().npageslabs();
    }
}
