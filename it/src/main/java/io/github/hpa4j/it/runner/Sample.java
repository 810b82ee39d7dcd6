package io.github.hpa4j.it.runner;

/**
 * The allocator and the process at one instant of the run. Bytes unless named otherwise.
 *
 * @param seconds         since the workload started
 * @param phase           the phase running then
 * @param operations      allocations and frees completed so far
 * @param liveBytes       bytes the clients hold (page-rounded)
 * @param activeBytes     hpa4j's active pages, in bytes (equals liveBytes once requests settle)
 * @param dirtyBytes      hpa4j's dirty pages: freed, still resident, not yet purged
 * @param rss             resident bytes of hpa4j's mappings (smaps)
 * @param anonHugePages   of them, bytes backed by 2 MiB hugepages
 * @param processRss      resident bytes of the whole JVM (smaps_rollup), or -1 where unknown
 * @param fragmentedBytes free pages inside slabs that still hold live allocations
 * @param purgePasses     slabs purged so far
 * @param hugifies        slabs hugified so far
 * @param dehugifies      slabs dehugified so far
 */
record Sample(
        double seconds,
        Phase phase,
        long operations,
        long liveBytes,
        long activeBytes,
        long dirtyBytes,
        long rss,
        long anonHugePages,
        long processRss,
        long fragmentedBytes,
        long purgePasses,
        long hugifies,
        long dehugifies) {

    long dirtyPages() {
        return dirtyBytes / io.github.hpa4j.core.Pages.PAGE;
    }

    /** AnonHugePages / Rss; 0 when nothing is resident. */
    double hugepageCoverage() {
        return rss == 0 ? 0 : (double) anonHugePages / rss;
    }
}
