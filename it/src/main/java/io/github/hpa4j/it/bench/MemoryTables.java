package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.workload.IdleFootprintWorkload;
import io.github.hpa4j.it.bench.workload.MemoryVariant;
import io.github.hpa4j.it.text.Fmt;
import java.util.List;
import java.util.Optional;

/** The memory-quality tables: residency and hugepages per allocator, then hpa4j's probe latencies. */
final class MemoryTables {
    private final List<MemoryResult> results;

    MemoryTables(List<MemoryResult> results) {
        this.results = results;
    }

    Optional<MemoryResult> find(String variantId) {
        return results.stream().filter(r -> r.variant().equals(variantId)).findFirst();
    }

    /** AnonHugePages over Rss of the loaded working set (both as deltas over the baseline). */
    static double coverage(MemoryResult r) {
        return r.get("loadedRss") <= 0 ? 0 : (double) r.get("loadedAnonHuge") / r.get("loadedRss");
    }

    /** How much of what the workload freed left the process's Rss by the end of the wait. */
    static double returned(MemoryResult r) {
        return r.get("freedBytes") <= 0 ? 0 : (double) (r.get("loadedRss") - r.get("finalRss")) / r.get("freedBytes");
    }

    /** Final Rss over the bytes still allocated after the big free: 1× would be a perfect fit. */
    static double finalOverLive(MemoryResult r) {
        long stillLive = r.get("liveBytes") - r.get("freedBytes");
        return stillLive <= 0 ? Double.NaN : (double) r.get("finalRss") / stillLive;
    }

    /*
     * The baseline the workloads' deltas stand on: hpa4j's variants start an actor system and hpa4j
     * before their baseline reading, the others neither.
     */
    private void appendIdleFootprint(StringBuilder md) {
        Optional<MemoryResult> akka = find(IdleFootprintWorkload.AKKA);
        if (akka.isEmpty()) {
            return;
        }
        md.append("\n#### Idle footprint\n\n");
        md.append("`IdleFootprintWorkload`, each in a fresh JVM with the same flags: the whole process's Rss after "
                + "three full GCs.\n\n");
        md.append("| Process | Rss | Threads | Rss above the actor system alone |\n");
        md.append("|---|---:|---:|---:|\n");
        for (String id : IdleFootprintWorkload.VARIANTS) {
            find(id).ifPresent(r -> md.append("| ")
                    .append(IdleFootprintWorkload.label(id))
                    .append(" | ")
                    .append(Fmt.mib(r.get("rss")))
                    .append(" | ")
                    .append(r.get("threads"))
                    .append(" | ")
                    .append(Fmt.mib(r.get("rss") - akka.get().get("rss")))
                    .append(" |\n"));
        }
    }

    void appendTo(StringBuilder md) {
        md.append("| Allocator | Live | Peak Rss | Loaded Rss | Loaded AnonHugePages | Hugepage coverage "
                + "| Freed | Final Rss | Returned to OS | Final Rss ÷ still live |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (MemoryVariant variant : MemoryVariant.ALL) {
            find(variant.id())
                    .ifPresent(r -> md.append("| ")
                            .append(variant.label())
                            .append(" | ")
                            .append(Fmt.mib(r.get("liveBytes")))
                            .append(" | ")
                            .append(Fmt.mib(r.get("peakRss")))
                            .append(" | ")
                            .append(Fmt.mib(r.get("loadedRss")))
                            .append(" | ")
                            .append(Fmt.mib(r.get("loadedAnonHuge")))
                            .append(" | ")
                            .append(Fmt.percent(coverage(r)))
                            .append(" | ")
                            .append(Fmt.mib(r.get("freedBytes")))
                            .append(" | ")
                            .append(Fmt.mib(r.get("finalRss")))
                            .append(" | ")
                            .append(Fmt.percent(returned(r)))
                            .append(" | ")
                            .append(Fmt.ratio(finalOverLive(r)))
                            .append(" |\n"));
            if (!variant.available()) {
                md.append("| ")
                        .append(variant.label())
                        .append(" | not installed: `")
                        .append(JemallocLibrary.INSTALL_HINT)
                        .append("` | – | – | – | – | – | – | – | – |\n");
            }
        }
        appendIdleFootprint(md);
        md.append("\n#### hpa4j's own mappings\n\n");
        md.append("hpa4j's `stats()` reads smaps for its own regions only (no JVM noise):\n\n");
        md.append("| Variant | Loaded Rss | Loaded AnonHugePages | Coverage | Final Rss | Final AnonHugePages |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        for (MemoryVariant variant : MemoryVariant.ALL) {
            find(variant.id())
                    .filter(r -> r.has("ownLoadedRss"))
                    .ifPresent(r -> md.append("| ")
                            .append(variant.label())
                            .append(" | ")
                            .append(Fmt.mib(r.get("ownLoadedRss")))
                            .append(" | ")
                            .append(Fmt.mib(r.get("ownLoadedAnonHuge")))
                            .append(" | ")
                            .append(Fmt.percent(
                                    r.get("ownLoadedRss") <= 0
                                            ? 0
                                            : (double) r.get("ownLoadedAnonHuge") / r.get("ownLoadedRss")))
                            .append(" | ")
                            .append(Fmt.mib(r.get("ownFinalRss")))
                            .append(" | ")
                            .append(Fmt.mib(r.get("ownFinalAnonHuge")))
                            .append(" |\n"));
        }
        md.append("\n### hpa4j allocation latency while purges run vs idle\n\n");
        md.append("A probe thread times 16 KiB alloc+free pairs through the ask facade from the hold to the end; "
                + "each pair is filed by what the page workers did meanwhile (a purge call overlapped it, a "
                + "hugify call did, or neither). n = pairs in the class; \"–\" = none overlapped.\n\n");
        md.append("| Variant | idle n | idle p50 | idle p99 | purging n | purging p50 | purging p99 "
                + "| hugifying n | hugifying p50 | hugifying p99 |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (MemoryVariant variant : MemoryVariant.ALL) {
            find(variant.id()).filter(r -> r.has("idleCount")).ifPresent(r -> {
                md.append("| ").append(variant.label());
                for (String phase : List.of("idle", "purge", "hugify")) {
                    md.append(" | ")
                            .append(r.get(phase + "Count"))
                            .append(" | ")
                            .append(r.has(phase + "P50") ? Fmt.nanos((double) r.get(phase + "P50")) : "–")
                            .append(" | ")
                            .append(r.has(phase + "P99") ? Fmt.nanos((double) r.get(phase + "P99")) : "–");
                }
                md.append(" |\n");
            });
        }
    }
}
