package io.github.hpa4j.core;

/**
 * jemalloc's {@code hpa_shard_nonderived_stats_t}, plus the aborts hpa4j adds (a job whose OS call
 * failed).
 *
 * @param npurgePasses  purge passes, one per slab purged
 * @param npurges       purge calls (a pass makes one per dirty range)
 * @param nhugifies     slabs hugified
 * @param ndehugifies   slabs dehugified before a purge
 * @param npurgeAborts  purge jobs that failed and were aborted
 * @param nhugifyAborts hugify jobs that failed and were aborted
 */
public record ShardCounters(
        long npurgePasses, long npurges, long nhugifies, long ndehugifies, long npurgeAborts, long nhugifyAborts) {
    public static final ShardCounters ZERO = new ShardCounters(0, 0, 0, 0, 0, 0);

    /**
     * hpa_shard_nonderived_stats_accum.
     *
     * @param o the counters to add
     * @return the sums
     */
    public ShardCounters plus(ShardCounters o) {
        return new ShardCounters(
                npurgePasses + o.npurgePasses,
                npurges + o.npurges,
                nhugifies + o.nhugifies,
                ndehugifies + o.ndehugifies,
                npurgeAborts + o.npurgeAborts,
                nhugifyAborts + o.nhugifyAborts);
    }
}
