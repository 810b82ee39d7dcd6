package io.github.hpa4j.it.runner;

import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.actors.StatsReport;
import io.github.hpa4j.bridge.PlatformFacts;
import io.github.hpa4j.bridge.ThpSupport;
import io.github.hpa4j.core.FixedPoint;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.ShardCounters;
import io.github.hpa4j.core.ShardOptions;
import io.github.hpa4j.it.text.Fmt;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * The end-of-run report, laid out like jemalloc's {@code malloc_stats_print} and TCMalloc's
 * {@code MallocExtension::GetStats}: a header saying what ran where, then throughput, latency
 * percentiles, memory (peak and final), deferred work, then the allocator's own {@link StatsReport} at the end of churn and at the end.
 */
final class Report {
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private final RunData run;
    private final StringBuilder s = new StringBuilder(8192);

    private Report(RunData run) {
        this.run = run;
    }

    static String render(RunData run) {
        return new Report(run).build();
    }

    private String build() {
        line("___ Begin hpa4j workload report ___");
        header();
        phases();
        latencies();
        memory();
        deferredWork();
        allocator("The allocator at the end of churn", run.endOfChurn());
        allocator("The allocator at the end (after idle)", run.atEnd());
        shutdown();
        line("___ End hpa4j workload report ___");
        return s.toString();
    }

    // ------------------------------------------------------------------ sections

    private void header() {
        RunnerOptions o = run.options();
        Runtime.Version v = Runtime.version();
        line(
                "Started:    %s, ran %.1f s",
                run.startedAt()
                        .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME.withLocale(Locale.ROOT))
                        .replaceFirst("\\.\\d+$", ""),
                run.seconds());
        line(
                "JVM:        Java %s (%s, %s), %d processors, max heap %s",
                v,
                System.getProperty("java.vendor"),
                System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(),
                Fmt.bytes(Runtime.getRuntime().maxMemory()));
        PlatformFacts f = ThpSupport.facts();
        line(
                "OS:         %s %s %s; THP enabled=%s defrag=%s, hugepage %s",
                f.osName(),
                System.getProperty("os.version"),
                f.osArch(),
                f.thpEnabled(),
                f.thpDefrag(),
                f.hugepageSize() > 0 ? Fmt.bytes(f.hugepageSize()) : "unknown");
        line(
                "Page hooks: Linux mmap/madvise%s",
                f.hugepagesUnavailableReason()
                        .map(r -> ", without hugepages: " + r)
                        .orElse(""));
        line(
                "Workload:   --duration %s --clients %d --working-set %s --long-lived %s --min-size %s --max-size %s"
                        + " --free-fraction %s --idle %s --fill %s --seed %d",
                Units.duration(o.duration()),
                o.clients(),
                Units.flagBytes(o.workingSet()),
                o.longLived(),
                Units.flagBytes(o.minSize()),
                Units.flagBytes(o.maxSize()),
                o.freeFraction(),
                Units.duration(o.idle()),
                o.fill().name().toLowerCase(Locale.ROOT),
                o.seed());
        Hpa4jSettings h = o.settings();
        ShardOptions so = h.shardOptions();
        line(
                "hpa4j:      shards %d, page-workers %d, hugify-style %s, slab-max-alloc %s, hugification-threshold %s"
                        + " (%s of a hugepage),",
                h.shards(),
                h.pageWorkers(),
                h.hugifyStyle().name().toLowerCase(Locale.ROOT),
                Fmt.bytes(so.slabMaxAlloc()),
                Fmt.bytes(so.hugificationThreshold()),
                Fmt.percent((double) so.hugificationThreshold() / Pages.HUGEPAGE, 1));
        line(
                "            dirty-mult %s, hugify-delay %s, min-purge-interval %s, deferral %s, eden %d hugepages",
                FixedPoint.toString(so.dirtyMult()),
                Units.duration(java.time.Duration.ofMillis(so.hugifyDelayMs())),
                Units.duration(java.time.Duration.ofMillis(so.minPurgeIntervalMs())),
                so.deferralAllowed() ? "on" : "off",
                h.edenHugepages());
        line(
                "Overrides:  %s",
                o.overrides().isEmpty()
                        ? "(none)"
                        : String.join(
                                " ",
                                o.overrides().entrySet().stream()
                                        .map(e -> e.getKey() + "=" + e.getValue())
                                        .toList()));
    }

    private void phases() {
        line("");
        line("Throughput (allocations and frees completed; each written/verified, which is not timed)");
        line("  %-6s %9s %9s %12s %12s %12s", "phase", "start", "time", "allocs", "frees", "ops/s");
        long totalOps = 0;
        double busySeconds = 0;
        for (Phase p : Phase.values()) {
            Timeline.PhaseSpan span = run.timeline().span(p);
            long allocs = run.latencies().alloc().get(p).getTotalCount();
            long frees = run.latencies().free().get(p).getTotalCount();
            double secs = span == null ? 0 : span.seconds();
            line(
                    "  %-6s %8.1fs %8.1fs %,12d %,12d %,12.0f",
                    p.label(),
                    span == null ? 0 : span.startSeconds(),
                    secs,
                    allocs,
                    frees,
                    secs > 0 ? (allocs + frees) / secs : 0);
            totalOps += allocs + frees;
            if (p != Phase.IDLE) {
                busySeconds += secs;
            }
        }
        line(
                "  %-6s %9s %8.1fs %,25d %,12.0f   (ops/s over grow+churn+free)",
                "all", "", run.seconds(), totalOps, busySeconds > 0 ? totalOps / busySeconds : 0);
    }

    private void latencies() {
        line("");
        line("Latency in microseconds (HdrHistogram), from the call to the completed CompletionStage");
        line("  %-13s %11s %9s %9s %9s %9s %9s %9s", "operation", "count", "p50", "p90", "p99", "p99.9", "max", "mean");
        for (Map.Entry<String, Map<Phase, Histogram>> op :
                Map.of("alloc", run.latencies().alloc(), "free", run.latencies().free()).entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .toList()) {
            for (Phase p : Phase.values()) {
                Histogram h = op.getValue().get(p);
                if (h.getTotalCount() > 0) {
                    latencyRow(op.getKey() + " " + p.label(), h);
                }
            }
            latencyRow(
                    op.getKey() + " all",
                    op.getKey().equals("alloc")
                            ? run.latencies().allocTotal()
                            : run.latencies().freeTotal());
        }
    }

    private void latencyRow(String name, Histogram h) {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-13s %,11d", name, h.getTotalCount()));
        for (double p : PERCENTILES) {
            row.append(String.format(Locale.ROOT, " %9.1f", h.getValueAtPercentile(p) / 1e3));
        }
        row.append(String.format(Locale.ROOT, " %9.1f %9.1f", h.getMaxValue() / 1e3, h.getMean() / 1e3));
        line("%s", row);
    }

    private void memory() {
        Sample peakRss = run.timeline().peakRss();
        Sample last = run.timeline().samples().isEmpty()
                ? null
                : run.timeline().samples().getLast();
        Sample churnEnd = sampleAtEndOf(Phase.CHURN);
        line("");
        line("Memory (sampled once a second and at phase boundaries)");
        line("  %-44s %14s %14s %14s", "", "peak", "end of churn", "final");
        memoryRow("live (clients hold)", Sample::liveBytes, churnEnd, last);
        memoryRow("active (hpa4j)", Sample::activeBytes, churnEnd, last);
        memoryRow("dirty (freed, not yet purged)", Sample::dirtyBytes, churnEnd, last);
        memoryRow("Rss of hpa4j's mappings", Sample::rss, churnEnd, last);
        memoryRow("AnonHugePages of hpa4j's mappings", Sample::anonHugePages, churnEnd, last);
        memoryRow("fragmentation (free in partly used slabs)", Sample::fragmentedBytes, churnEnd, last);
        memoryRow("Rss of the whole JVM", Sample::processRss, churnEnd, last);
        line(
                "  %-44s %14s",
                "peak Rss of the whole JVM (VmHWM, exact)",
                run.processPeakRss() < 0 ? "n/a" : Fmt.bytes(run.processPeakRss()));
        line(
                "  %-44s %14s %14s %14s",
                "hugepage coverage (AnonHugePages / Rss)",
                peakRss == null ? "n/a" : Fmt.percent(peakRss.hugepageCoverage(), 1) + "*",
                churnEnd == null ? "n/a" : Fmt.percent(churnEnd.hugepageCoverage(), 1),
                last == null ? "n/a" : Fmt.percent(last.hugepageCoverage(), 1));
        line(
                "  %-44s %14s %14s %14s",
                "fragmentation / (active + fragmentation)",
                "",
                churnEnd == null ? "n/a" : Fmt.percent(fragmentedShare(churnEnd), 1),
                last == null ? "n/a" : Fmt.percent(fragmentedShare(last), 1));
        line(
                "  %-44s %14s %14s %14s",
                "address space mapped by eden",
                "",
                Fmt.bytes(run.endOfChurn().mappedBytes()),
                Fmt.bytes(run.atEnd().mappedBytes()));
        if (peakRss != null) {
            line(
                    "  * coverage at the Rss peak (%.1f s, %s)",
                    peakRss.seconds(), peakRss.phase().label());
        }
    }

    private void memoryRow(String name, Function<Sample, Long> field, Sample churnEnd, Sample last) {
        Sample peak = run.timeline().samples().stream()
                .max((a, b) -> Long.compare(field.apply(a), field.apply(b)))
                .orElse(null);
        line(
                "  %-44s %14s %14s %14s",
                name, bytesOrNa(peak, field), bytesOrNa(churnEnd, field), bytesOrNa(last, field));
    }

    private static String bytesOrNa(Sample sample, Function<Sample, Long> field) {
        if (sample == null || field.apply(sample) < 0) {
            return "n/a";
        }
        return Fmt.bytes(field.apply(sample));
    }

    private static double fragmentedShare(Sample s) {
        long denominator = s.activeBytes() + s.fragmentedBytes();
        return denominator == 0 ? 0 : (double) s.fragmentedBytes() / denominator;
    }

    /** The last sample taken in {@code phase}: the boundary sample the runner takes as it ends. */
    private Sample sampleAtEndOf(Phase phase) {
        Sample found = null;
        for (Sample sample : run.timeline().samples()) {
            if (sample.phase() == phase) {
                found = sample;
            }
        }
        return found;
    }

    private void deferredWork() {
        ShardCounters c = run.atEnd().total().counters();
        double secs = Math.max(run.seconds(), 1e-3);
        line("");
        line("Deferred work over the run");
        line("  %-34s %,10d  (%.2f / s)", "purge passes (slabs purged)", c.npurgePasses(), c.npurgePasses() / secs);
        line("  %-34s %,10d  (%.2f / s)", "purges (MADV_DONTNEED ranges)", c.npurges(), c.npurges() / secs);
        line("  %-34s %,10d  (%.2f / s)", "hugifies", c.nhugifies(), c.nhugifies() / secs);
        line("  %-34s %,10d  (%.2f / s)", "dehugifies", c.ndehugifies(), c.ndehugifies() / secs);
        line("  %-34s %,10d / %,d", "aborted purge / hugify jobs", c.npurgeAborts(), c.nhugifyAborts());
        line("  %-34s %,10d", "replies reclaimed after ask timeout", run.atEnd().reclaimed());
    }

    /* The allocator's own report (the one an application prints), for one snapshot. */
    private void allocator(String title, AllocatorStats stats) {
        line("");
        line(title);
        s.append(StatsReport.render(stats));
    }

    private void shutdown() {
        line("");
        line(
                "Shutdown: the clients verified and freed everything; stopping hpa4j then reclaimed %,d live extents"
                        + " (%s), unmapped %,d slabs and %s of unused eden",
                run.shutdown().liveExtents(),
                Fmt.bytes(run.shutdown().liveBytes()),
                run.shutdown().slabs(),
                Fmt.bytes(run.shutdown().edenBytes()));
    }

    // Every format is a literal in this class; @FormatMethod would need Error Prone's annotations.
    @SuppressWarnings("AnnotateFormatMethod")
    private void line(String format, Object... args) {
        s.append(args.length == 0 ? format : String.format(Locale.ROOT, format, args))
                .append('\n');
    }
}
