package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.text.Fmt;
import java.util.Locale;

/** The front section of the report: churn rates as ratios to Netty, the waited share, heap bytes per pair. */
final class FrontTables {
    private FrontTables() {}

    static String markdown(FrontSuite.Results results) {
        StringBuilder md = new StringBuilder();
        md.append("## Behind the caches: mixed-size churn\n\n");
        md.append("Per thread 1,024 blocks of 4 to 64 KiB (whole pages, uniform), about 34 MiB, far above every "
                + "per-thread cache; one operation frees a random block and allocates one of a random size in its "
                + "place (`HpaChurnBench`, `NettyChurnBench`, the same seeds). *Waited* is the share of hpa4j's "
                + "allocations whose caller waited on a message to a shard (the rest came from its thread cache or "
                + "its shard's transfer tier).\n\n");
        md.append("| Allocator | Threads | operations/s | × Netty | allocations | waited on a message |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (FrontSuite.ChurnRow row : results.churn()) {
            double netty = results.churn().stream()
                    .filter(r -> r.threads() == row.threads() && r.allocations() < 0)
                    .mapToDouble(FrontSuite.ChurnRow::opsPerSec)
                    .findFirst()
                    .orElse(Double.NaN);
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %s | %s | %s |%n",
                    row.allocator(),
                    row.threads(),
                    Fmt.rate(row.opsPerSec()),
                    Fmt.ratio(row.opsPerSec() / netty),
                    row.allocations() < 0 ? "" : String.format(Locale.ROOT, "%,d", row.allocations()),
                    row.allocations() < 0
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    "%,d (%.3f %%)",
                                    row.waited(),
                                    100.0 * row.waited() / Math.max(1, row.allocations()))));
        }
        md.append("\n## The Java heap per cached pair\n\n");
        md.append("JMH's GC profiler (`gc.alloc.rate.norm`), one thread, the pair rows above. A facade pair makes "
                + "one object: the new handle a hit hands out (issued per allocation so that a stale handle can "
                + "never free its successor's memory); the cache, the tier and the free make none. One handle in "
                + "`leak-sampling` (128) also gets a leak tracker. A lease pair reuses the lease and the cached "
                + "extent's own record, so it makes none.\n\n");
        md.append("| Benchmark | Size | bytes per pair |\n|---|---|---|\n");
        for (FrontSuite.HeapRow row : results.heap()) {
            md.append(String.format(
                    Locale.ROOT, "| %s | %s | %.2f |%n", row.benchmark(), Fmt.size(row.size()), row.bytesPerOp()));
        }
        md.append('\n');
        return md.toString();
    }
}
