package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.text.Fmt;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The speed tables and the ratios they carry. Ratios compare rates: "× Netty" is ops/s over Netty's
 * ops/s for the same shape, size and threads; "× ask echo" and "× ping-pong" are invocations (pairs
 * or batches) per second over the floor's operations per second with the same threads, since a pair
 * and a batch both cost two round trips, as one floor operation does.
 */
final class SpeedTables {
    private final List<SpeedRow> rows;

    SpeedTables(List<SpeedRow> rows) {
        this.rows = rows.stream()
                .sorted(Comparator.comparingInt(SpeedRow::size)
                        .thenComparingInt(SpeedRow::threads)
                        .thenComparing(SpeedRow::subject))
                .toList();
    }

    List<SpeedRow> rows() {
        return rows;
    }

    Optional<SpeedRow> find(SpeedRow.Subject subject, boolean batch, int size, int threads) {
        return rows.stream()
                .filter(r -> r.subject() == subject && r.batch() == batch && r.size() == size && r.threads() == threads)
                .findFirst();
    }

    Optional<SpeedRow> floor(SpeedRow.Subject floor, int threads) {
        return rows.stream()
                .filter(r -> r.subject() == floor && r.threads() == threads)
                .findFirst();
    }

    double ratioToNetty(SpeedRow row) {
        return find(SpeedRow.Subject.NETTY, row.batch(), row.size(), row.threads())
                .map(netty -> row.opsPerSec() / netty.opsPerSec())
                .orElse(Double.NaN);
    }

    double ratioToFloor(SpeedRow row, SpeedRow.Subject floor) {
        return floor(floor, row.threads())
                .map(f -> row.invocationsPerSec() / f.invocationsPerSec())
                .orElse(Double.NaN);
    }

    void appendTo(StringBuilder md) {
        md.append("### Alloc + free pairs\n\n");
        md.append("One operation = allocate one block, then free it. p50/p99 are of one whole pair.\n\n");
        allocatorTable(md, false, "pairs/s", "p50 (pair)", "p99 (pair)");
        md.append("\n### Batches of 64\n\n");
        md.append("One invocation = allocate 64 blocks (one message, one lock hold, one arena), then free them. "
                + "The rate counts allocations; p50/p99 are of one whole batch (64 allocations and 64 frees).\n\n");
        allocatorTable(md, true, "allocations/s", "p50 (batch)", "p99 (batch)");
        md.append("\n### Floors\n\n");
        md.append("One operation = two round trips with nothing behind them: the message pattern of a pair "
                + "or of a batch.\n\n");
        md.append("| Floor | Threads | ops/s | p50 | p99 |\n|---|---:|---:|---:|---:|\n");
        for (SpeedRow row : rows) {
            if (row.subject().floor()) {
                md.append("| ")
                        .append(row.subject().label)
                        .append(" | ")
                        .append(row.threads())
                        .append(" | ")
                        .append(Fmt.rate(row.opsPerSec()))
                        .append(" | ")
                        .append(Fmt.nanos(row.p50Nanos()))
                        .append(" | ")
                        .append(Fmt.nanos(row.p99Nanos()))
                        .append(" |\n");
            }
        }
    }

    private void allocatorTable(StringBuilder md, boolean batch, String rate, String p50, String p99) {
        md.append("| Allocator | Size | Threads | ")
                .append(rate)
                .append(" | ")
                .append(p50)
                .append(" | ")
                .append(p99)
                .append(" | × Netty | × ask echo | × ping-pong |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SpeedRow row : rows) {
            if (row.subject().floor() || row.batch() != batch) {
                continue;
            }
            md.append("| ")
                    .append(row.subject().label)
                    .append(" | ")
                    .append(Fmt.size(row.size()))
                    .append(" | ")
                    .append(row.threads())
                    .append(" | ")
                    .append(Fmt.rate(row.opsPerSec()))
                    .append(" | ")
                    .append(Fmt.nanos(row.p50Nanos()))
                    .append(" | ")
                    .append(Fmt.nanos(row.p99Nanos()))
                    .append(" | ")
                    .append(Fmt.ratio(ratioToNetty(row)))
                    .append(" | ")
                    .append(Fmt.ratio(ratioToFloor(row, SpeedRow.Subject.ASK_ECHO)))
                    .append(" | ")
                    .append(Fmt.ratio(ratioToFloor(row, SpeedRow.Subject.PING_PONG)))
                    .append(" |\n");
        }
        if (!JemallocLibrary.installed()) {
            for (SpeedRow.Subject subject : SpeedRow.Subject.values()) {
                if (subject.jemalloc()) {
                    md.append("| ")
                            .append(subject.label)
                            .append(" | – | – | not installed: `")
                            .append(JemallocLibrary.INSTALL_HINT)
                            .append("` | – | – | – | – | – |\n");
                }
            }
        }
    }

    /** allocator → "size, threads" → × Netty, for the bar chart of one table. */
    java.util.Map<String, java.util.Map<String, Double>> ratiosToNetty(boolean batch) {
        java.util.Map<String, java.util.Map<String, Double>> values = new java.util.LinkedHashMap<>();
        for (SpeedRow.Subject subject : SpeedRow.Subject.values()) {
            for (SpeedRow row : rows) {
                if (row.subject() == subject && row.batch() == batch && !subject.floor()) {
                    values.computeIfAbsent(subject.label, k -> new java.util.LinkedHashMap<>())
                            .put(
                                    Fmt.size(row.size()) + ", " + row.threads()
                                            + (row.threads() == 1 ? " thread" : " threads"),
                                    ratioToNetty(row));
                }
            }
        }
        return values;
    }
}
