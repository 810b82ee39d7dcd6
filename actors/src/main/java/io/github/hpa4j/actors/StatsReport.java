package io.github.hpa4j.actors;

import io.github.hpa4j.bridge.PageHookStats;
import io.github.hpa4j.bridge.SmapsReading;
import io.github.hpa4j.core.BinStats;
import io.github.hpa4j.core.PageSizeClasses;
import io.github.hpa4j.core.PageSlabSetStats;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.ShardCounters;
import io.github.hpa4j.core.ShardStats;
import io.github.hpa4j.core.StatsTables;
import java.util.Locale;

/**
 * A text report of one {@link AllocatorStats}, laid out like jemalloc's {@code malloc_stats_print}:
 * memory, deferred work, the OS calls, the front cache and safety checks, the slab bins summed over
 * shards, the small size classes and the large extents, and one row per shard. For a person to read (a log line at exit, a diagnostics endpoint);
 * programs should read the {@link AllocatorStats} record itself.
 */
public final class StatsReport {
    private final StringBuilder s = new StringBuilder(4096);

    private StatsReport() {}

    /**
     * The report of {@code stats}, one section after another, each line ending in a newline.
     *
     * @param stats a snapshot
     * @return the report
     */
    public static String render(AllocatorStats stats) {
        StatsReport report = new StatsReport();
        report.line("___ Begin hpa4j statistics ___");
        report.memory(stats);
        report.deferredWork(stats);
        report.cacheAndSafety(stats);
        report.bins(stats.total().slabs());
        report.sizeClasses(stats);
        report.shards(stats);
        report.line("___ End hpa4j statistics ___");
        return report.s.toString();
    }

    /**
     * Bytes in binary units with one decimal: "256.0 MiB", "48.0 KiB", "512 B".
     *
     * @param bytes a count of bytes
     * @return the text, e.g. {@code 256.0 MiB}
     */
    public static String bytes(long bytes) {
        long abs = Math.abs(bytes);
        if (abs >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        }
        if (abs >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        if (abs >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / (double) (1L << 10));
        }
        return bytes + " B";
    }

    private void memory(AllocatorStats stats) {
        BudgetStats budget = stats.budget();
        SmapsReading smaps = stats.smaps();
        line("Page hooks: %s", stats.pageHooks());
        line(
                "Budget:     %s",
                budget.limitBytes() == Long.MAX_VALUE
                        ? "unlimited (" + bytes(budget.heldBytes()) + " held)"
                        : bytes(budget.limitBytes()) + ", held " + bytes(budget.heldBytes()) + ", free "
                                + bytes(budget.freeBytes()));
        line("");
        line("Memory");
        row("held by callers", bytes(stats.heldBytes()));
        row("active (held, cached, quarantined)", bytes(stats.activeBytes()));
        row("dirty (freed, not yet purged)", bytes(stats.dirtyBytes()));
        row("fragmentation (free in partly used slabs)", bytes(stats.fragmentedFreeBytes()));
        row(
                "slabs (2 MiB each)",
                String.format(Locale.ROOT, "%,d", stats.total().npageslabs()));
        row("mapped by eden (unused in eden)", bytes(stats.mappedBytes()) + " (" + bytes(stats.edenRemaining()) + ")");
        row(
                "Rss (AnonHugePages)",
                notRead(smaps)
                        ? "n/a"
                        : bytes(smaps.rss()) + " (" + bytes(smaps.anonHugePages()) + ", "
                                + percent(smaps.hugepageCoverage()) + ")");
        row(
                "live extents",
                String.format(
                        Locale.ROOT,
                        "%,d (%s)",
                        stats.total().liveExtents(),
                        bytes(stats.total().liveBytes())));
        row("requests waiting for eden", String.format(Locale.ROOT, "%,d", stats.stashDepth()));
    }

    /* The small classes and large extents as malloc_stats_print lays them out, from core's tables. */
    private void sizeClasses(AllocatorStats stats) {
        line("");
        s.append(StatsTables.bins(stats.smallClasses()));
        line("");
        s.append(StatsTables.large(stats.large()));
    }

    private void deferredWork(AllocatorStats stats) {
        ShardCounters c = stats.total().counters();
        line("");
        line("Deferred work");
        row("purge passes (slabs purged)", String.format(Locale.ROOT, "%,d", c.npurgePasses()));
        row("purges (MADV_DONTNEED ranges)", String.format(Locale.ROOT, "%,d", c.npurges()));
        row("hugifies / dehugifies", String.format(Locale.ROOT, "%,d / %,d", c.nhugifies(), c.ndehugifies()));
        row(
                "aborted purge / hugify jobs",
                String.format(Locale.ROOT, "%,d / %,d", c.npurgeAborts(), c.nhugifyAborts()));
        row(
                "jobs in flight (dirty pages pending)",
                String.format(
                        Locale.ROOT,
                        "%,d (%,d)",
                        stats.total().jobsInFlight(),
                        stats.total().npendingPurge()));
        row("allocations reclaimed (nobody received)", String.format(Locale.ROOT, "%,d", stats.reclaimed()));
        PageHookStats p = stats.pageCalls();
        if (p != null) {
            row(
                    "OS calls: mmap / munmap",
                    String.format(
                            Locale.ROOT,
                            "%,d (%s) / %,d (%s)",
                            p.mapCalls(),
                            bytes(p.mapBytes()),
                            p.unmapCalls(),
                            bytes(p.unmapBytes())));
            row(
                    "OS calls: purge / hugify / dehugify",
                    String.format(
                            Locale.ROOT,
                            "%,d (%s) / %,d (%s) / %,d",
                            p.purgeCalls(),
                            bytes(p.purgeBytes()),
                            p.hugifyCalls(),
                            bytes(p.hugifyBytes()),
                            p.dehugifyCalls()));
            row(
                    "MADV_COLLAPSE done / refused, errors",
                    String.format(Locale.ROOT, "%,d / %,d, %,d", p.collapses(), p.collapseFailures(), p.errors()));
        }
    }

    private void cacheAndSafety(AllocatorStats stats) {
        CacheStats c = stats.cache();
        SafetyStats safety = stats.safety();
        line("");
        line("Front cache and safety");
        row(
                "caches, cached extents",
                String.format(Locale.ROOT, "%,d, %,d (%s)", c.caches(), c.cachedExtents(), bytes(c.cachedBytes())));
        row(
                "hits / misses (hit ratio)",
                String.format(Locale.ROOT, "%,d / %,d (%s)", c.hits(), c.misses(), percent(c.hitRatio())));
        row(
                "waits on a shard (share of allocations)",
                String.format(Locale.ROOT, "%,d (%s)", c.waits(), percent(c.waitedShare())));
        row(
                "transfer tiers: extents, hits, restocks",
                String.format(
                        Locale.ROOT,
                        "%,d (%s), %,d, %,d",
                        c.tierExtents(),
                        bytes(c.tierBytes()),
                        c.tierHits(),
                        c.restocks()));
        row("flushes / remote batches", String.format(Locale.ROOT, "%,d / %,d", c.flushes(), c.remoteBatches()));
        row("safety level", safety.level().name().toLowerCase(Locale.ROOT));
        row(
                "leaks reported, writes after free",
                String.format(Locale.ROOT, "%,d, %,d", safety.leaksReported(), safety.writesAfterFree()));
        row(
                "quarantined extents",
                String.format(Locale.ROOT, "%,d (%s)", safety.quarantinedExtents(), bytes(safety.quarantinedBytes())));
    }

    private void bins(PageSlabSetStats slabs) {
        line("");
        line("Slab bins, all shards (jemalloc's psset stats; pages of 4 KiB)");
        line("  %-27s %-28s   %s", "", "huge: slabs, active, dirty", "non-huge: slabs, active, dirty");
        line("  %-27s %8s %9s %9s   %8s %9s %9s", "bin", "slabs", "active", "dirty", "slabs", "active", "dirty");
        binRow("full", slabs.full(true), slabs.full(false));
        binRow("empty", slabs.empty(true), slabs.empty(false));
        for (int i = 0; i < PageSizeClasses.NPSIZES; i++) {
            BinStats huge = slabs.nonfull(i, true);
            BinStats nonHuge = slabs.nonfull(i, false);
            if (huge.npageslabs() != 0 || nonHuge.npageslabs() != 0) {
                binRow("nonfull, free run " + bytes(PageSizeClasses.pind2sz(i)), huge, nonHuge);
            }
        }
        binRow("total", slabs.byHuge(true), slabs.byHuge(false));
    }

    private void binRow(String name, BinStats huge, BinStats nonHuge) {
        line(
                "  %-27s %,8d %,9d %,9d   %,8d %,9d %,9d",
                name,
                huge.npageslabs(),
                huge.nactive(),
                huge.ndirty(),
                nonHuge.npageslabs(),
                nonHuge.nactive(),
                nonHuge.ndirty());
    }

    private void shards(AllocatorStats stats) {
        line("");
        line("Shards");
        line(
                "  %-5s %6s %6s %11s %11s %12s %8s %8s %6s",
                "shard", "slabs", "huge", "active", "dirty", "live extents", "purges", "hugifies", "stash");
        for (ShardActor.ShardSnapshot snapshot : stats.shards()) {
            ShardStats st = snapshot.stats();
            line(
                    "  %-5d %,6d %,6d %11s %11s %,12d %,8d %,8d %,6d%s",
                    st.shard(),
                    st.npageslabs(),
                    st.slabs().byHuge(true).npageslabs(),
                    bytes(st.nactive() * Pages.PAGE),
                    bytes(st.ndirty() * Pages.PAGE),
                    st.liveExtents(),
                    st.counters().npurgePasses(),
                    st.counters().nhugifies(),
                    snapshot.stashDepth(),
                    snapshot.backingOff() ? " (backing off)" : "");
        }
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f %%", ratio * 100);
    }

    /** EMPTY is the sentinel for "not read", which a reading of zero bytes is not. */
    @SuppressWarnings("ReferenceEquality")
    private static boolean notRead(SmapsReading smaps) {
        return smaps == SmapsReading.EMPTY;
    }

    private void row(String name, String value) {
        line("  %-44s %s", name, value);
    }

    // Every format is a literal in this class; @FormatMethod would put Error Prone's annotations on
    // the class path of every application for this one private method.
    @SuppressWarnings("AnnotateFormatMethod")
    private void line(String format, Object... args) {
        s.append(args.length == 0 ? format : String.format(Locale.ROOT, format, args))
                .append('\n');
    }
}
