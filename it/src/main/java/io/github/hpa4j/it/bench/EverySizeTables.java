package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.text.Fmt;
import java.util.Optional;

/** Pairs of the small and large sizes: hpa4j, Netty pooled and Arena.ofConfined, side by side. */
final class EverySizeTables {
    static final String HEADING = "### Small and large pairs";

    private EverySizeTables() {}

    static void appendTo(StringBuilder md, SpeedTables tables) {
        md.append('\n').append(HEADING).append("\n\n");
        md.append("The pair benchmarks of the speed tables (one thread, same JMH settings) at sizes below a page and "
                + "above `slab-max-alloc`: hpa4j's small classes and its large allocator, Netty's small and huge "
                + "(unpooled above its chunk) allocations, and malloc behind Arena.ofConfined, which also zeroes "
                + "what it hands out.\n\n");
        md.append("| Allocator | Size | pairs/s | p50 (pair) | p99 (pair) | × Netty | × Arena.ofConfined |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (SpeedRow row : tables.rows()) {
            Optional<SpeedRow> arena = tables.find(SpeedRow.Subject.ARENA_CONFINED, false, row.size(), 1);
            md.append("| ")
                    .append(row.subject().label)
                    .append(" | ")
                    .append(Fmt.size(row.size()))
                    .append(" | ")
                    .append(Fmt.rate(row.opsPerSec()))
                    .append(" | ")
                    .append(Fmt.nanos(row.p50Nanos()))
                    .append(" | ")
                    .append(Fmt.nanos(row.p99Nanos()))
                    .append(" | ")
                    .append(Fmt.ratio(tables.ratioToNetty(row)))
                    .append(" | ")
                    .append(Fmt.ratio(
                            arena.map(a -> row.opsPerSec() / a.opsPerSec()).orElse(Double.NaN)))
                    .append(" |\n");
        }
    }
}
