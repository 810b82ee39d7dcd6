package io.github.hpa4j.core;

/**
 * When a shard hugifies a slab that has become a hugification candidate (a slab at least
 * {@link ShardOptions#hugificationThreshold()} active).
 */
public enum HugifyPolicy {
    /**
     * hpa.c's: every candidate waits out the hugify delay. The delay lets frees that follow soon be
     * purged before the slab is backed in full, and spares the first touch after a hugification
     * the stall that THP defrag "madvise" can cause; but a working set that grows runs on 4 KiB
     * pages for the whole delay after each slab is filled.
     */
    JEMALLOC,
    /**
     * A slab filled from empty to the threshold by allocations alone, no page freed in between, is
     * hugified at once; one that reached the threshold through churn waits out the delay as in
     * {@link #JEMALLOC}. A slab filled by growth holds memory the program is building up, the case
     * in which TCMalloc's Temeraire keeps hugepages intact; the frees the delay waits for are the
     * ones churn makes. Hugifying at once costs little memory: a candidate is dense, so at most the
     * threshold's complement of the slab (5 % by default) becomes backed ahead of use, and the
     * dirty bound still blocks a hugification that would exceed it.
     */
    GROWTH
}
