package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.text.Fmt;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Shards × threads, and the latency of one shard's allocations while its page work runs. */
final class ScalingTables {
    private final List<ScalingRow> rows;
    private final MemoryResult pageWork;

    ScalingTables(List<ScalingRow> rows, MemoryResult pageWork) {
        this.rows = rows.stream()
                .sorted(Comparator.comparing((ScalingRow r) -> !r.cache())
                        .thenComparingInt(ScalingRow::shards)
                        .thenComparingInt(ScalingRow::threads))
                .toList();
        this.pageWork = pageWork;
    }

    /** Over the same cache setting with 1 shard and 1 thread. */
    double ratioToOneByOne(ScalingRow row) {
        Optional<ScalingRow> base = rows.stream()
                .filter(r -> r.cache() == row.cache() && r.shards() == 1 && r.threads() == 1)
                .findFirst();
        return base.map(b -> row.pairsPerSec() / b.pairsPerSec()).orElse(Double.NaN);
    }

    void appendScaling(StringBuilder md) {
        md.append("| Front cache | Shards | Threads | pairs/s | p50 (pair) | p99 (pair) | × 1 shard, 1 thread |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (ScalingRow row : rows) {
            md.append("| ")
                    .append(row.cache() ? "on" : "off")
                    .append(" | ")
                    .append(row.shards())
                    .append(" | ")
                    .append(row.threads())
                    .append(" | ")
                    .append(Fmt.rate(row.pairsPerSec()))
                    .append(" | ")
                    .append(Fmt.nanos(row.p50Nanos()))
                    .append(" | ")
                    .append(Fmt.nanos(row.p99Nanos()))
                    .append(" | ")
                    .append(Fmt.ratio(ratioToOneByOne(row)))
                    .append(" |\n");
        }
    }

    void appendPageWorkLatency(StringBuilder md) {
        md.append("| Shard state | n | p50 | p99 | p99.9 | p50 × idle | p99 × idle |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (String[] phase : List.of(
                new String[] {"idleShard", "idle (no other client, no page work)"},
                new String[] {"churnOnly", "churning, no page call overlapping"},
                new String[] {"purge", "a purge (MADV_DONTNEED) overlapping"},
                new String[] {"hugify", "a hugify (MADV_COLLAPSE) overlapping"})) {
            String key = phase[0];
            md.append("| ").append(phase[1]).append(" | ").append(pageWork.get(key + "Count"));
            if (pageWork.has(key + "P50")) {
                md.append(" | ")
                        .append(Fmt.nanos((double) pageWork.get(key + "P50")))
                        .append(" | ")
                        .append(Fmt.nanos((double) pageWork.get(key + "P99")))
                        .append(" | ")
                        .append(Fmt.nanos((double) pageWork.get(key + "P999")))
                        .append(" | ")
                        .append(Fmt.ratio((double) pageWork.get(key + "P50") / pageWork.get("idleShardP50")))
                        .append(" | ")
                        .append(Fmt.ratio((double) pageWork.get(key + "P99") / pageWork.get("idleShardP99")));
            } else {
                md.append(" | – | – | – | – | –");
            }
            md.append(" |\n");
        }
        md.append("\nChurn cycles during the busy phase: ")
                .append(pageWork.get("cycles"))
                .append(".\n");
    }
}
