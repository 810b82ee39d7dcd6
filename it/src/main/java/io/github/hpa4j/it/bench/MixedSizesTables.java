package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.workload.MemoryVariant;
import io.github.hpa4j.it.text.Fmt;
import java.util.List;
import java.util.Optional;

/** The mixed-size table: speed and memory per allocator. */
final class MixedSizesTables {
    private final List<MemoryResult> results;

    MixedSizesTables(List<MemoryResult> results) {
        this.results = results;
    }

    void appendTo(StringBuilder md) {
        md.append(
                "| Allocator | ops/s | p50 | p99 | p99.9 | Live | Loaded Rss | Rss ÷ live | Hugepage coverage | Freed "
                        + "| Final Rss | Returned to OS | Final Rss ÷ still live |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String id : MixedSizesSuite.VARIANTS) {
            MemoryVariant variant = MemoryVariant.byId(id);
            Optional<MemoryResult> found =
                    results.stream().filter(r -> r.variant().equals(id)).findFirst();
            if (found.isEmpty()) {
                if (!variant.available()) {
                    md.append("| ")
                            .append(variant.label())
                            .append(" | not installed: `")
                            .append(JemallocLibrary.INSTALL_HINT)
                            .append("` | – | – | – | – | – | – | – | – | – | – | – |\n");
                }
                continue;
            }
            MemoryResult r = found.get();
            long live = r.get("liveBytes");
            md.append("| ")
                    .append(variant.label())
                    .append(" | ")
                    .append(Fmt.rate((double) r.get("pairsPerSec")))
                    .append(" | ")
                    .append(Fmt.nanos((double) r.get("p50")))
                    .append(" | ")
                    .append(Fmt.nanos((double) r.get("p99")))
                    .append(" | ")
                    .append(Fmt.nanos((double) r.get("p999")))
                    .append(" | ")
                    .append(Fmt.mib(live))
                    .append(" | ")
                    .append(Fmt.mib(r.get("loadedRss")))
                    .append(" | ")
                    .append(Fmt.ratio((double) r.get("loadedRss") / live))
                    .append(" | ")
                    .append(Fmt.percent(MemoryTables.coverage(r)))
                    .append(" | ")
                    .append(Fmt.mib(r.get("freedBytes")))
                    .append(" | ")
                    .append(Fmt.mib(r.get("finalRss")))
                    .append(" | ")
                    .append(Fmt.percent(MemoryTables.returned(r)))
                    .append(" | ")
                    .append(Fmt.ratio(MemoryTables.finalOverLive(r)))
                    .append(" |\n");
        }
    }
}
