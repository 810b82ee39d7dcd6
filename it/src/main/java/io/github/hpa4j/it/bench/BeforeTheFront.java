package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.text.Fmt;
import java.util.List;

/**
 * The front cache's rows as they stood before its thread caches became lock-free over transfer
 * tiers: recorded from docs/BENCHMARKS.md at commit 48760fb (2026-11-26, the same suite and shapes
 * on this machine), so that every run prints them beside what it measured itself. They are a
 * record of a past run, not a measurement of this one.
 */
final class BeforeTheFront {
    static final String COMMIT = "48760fb";

    /** One recorded cell: hpa4j's front-cache row over Netty's, same shape, size and threads. */
    record Cell(boolean batch, int size, int threads, double ratioToNetty, double opsPerSec) {}

    static final List<Cell> CELLS = List.of(
            new Cell(false, 4096, 1, 0.924, 11.56e6), new Cell(false, 4096, 2, 0.754, 11.26e6),
            new Cell(false, 16384, 1, 1.15, 6.49e6), new Cell(false, 16384, 2, 1.61, 16.15e6),
            new Cell(false, 65536, 1, 2.60, 14.66e6), new Cell(false, 65536, 2, 1.99, 10.82e6),
            new Cell(true, 4096, 1, 1.16, 21.89e6), new Cell(true, 4096, 2, 1.01, 31.68e6),
            new Cell(true, 16384, 1, 1.13, 22.96e6), new Cell(true, 16384, 2, 1.17, 36.99e6),
            new Cell(true, 65536, 1, 0.793, 0.7009e6), new Cell(true, 65536, 2, 1.06, 1.78e6));

    private BeforeTheFront() {}

    /** The recorded ratios beside this run's, for every cell this run measured. */
    static void appendTo(StringBuilder md, SpeedTables now) {
        md.append("\n### The front cache before and after\n\n");
        md.append("hpa4j's front-cache rows over Netty's: **before** as recorded from this file at commit `")
                .append(COMMIT)
                .append("` (2026-11-26, same suite and machine; a record, not this run), **now** "
                        + "from the tables above. *2 threads ÷ 1* is the same row's rate with two threads over "
                        + "one. The recorded rates come from JMH's sample mode, this run's from throughput mode "
                        + "(see the JMH line above); each ratio compares two rows of one run, measured alike.\n\n");
        md.append(
                "| Shape | Size | Threads | × Netty before | × Netty now | 2 threads ÷ 1 before | 2 threads ÷ 1 now |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Cell cell : CELLS) {
            now.find(SpeedRow.Subject.HPA_CACHED, cell.batch(), cell.size(), cell.threads())
                    .ifPresent(row -> {
                        md.append("| ")
                                .append(cell.batch() ? "batch of 64" : "pair")
                                .append(" | ")
                                .append(cell.size() / 1024)
                                .append(" KiB | ")
                                .append(cell.threads())
                                .append(" | ")
                                .append(Fmt.ratio(cell.ratioToNetty()))
                                .append(" | ")
                                .append(Fmt.ratio(now.ratioToNetty(row)))
                                .append(" | ");
                        if (cell.threads() == 2) {
                            Cell one = recorded(cell.batch(), cell.size(), 1);
                            md.append(Fmt.ratio(cell.opsPerSec() / one.opsPerSec()))
                                    .append(" | ")
                                    .append(now.find(SpeedRow.Subject.HPA_CACHED, cell.batch(), cell.size(), 1)
                                            .map(single -> Fmt.ratio(row.opsPerSec() / single.opsPerSec()))
                                            .orElse("–"));
                        } else {
                            md.append("– | –");
                        }
                        md.append(" |\n");
                    });
        }
    }

    private static Cell recorded(boolean batch, int size, int threads) {
        return CELLS.stream()
                .filter(c -> c.batch() == batch && c.size() == size && c.threads() == threads)
                .findFirst()
                .orElseThrow();
    }
}
