package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.workload.MemoryVariant;
import io.github.hpa4j.it.text.Fmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The random-access table: nanoseconds per access, speed-up over allocateDirect, hugepage coverage. */
final class RandomAccessTables {
    /** Result keys and column names of the three patterns. */
    static final List<String> PATTERNS = List.of("independentPicos", "dependentPicos", "writePicos");

    static final List<String> PATTERN_LABELS = List.of("independent reads", "dependent reads", "writes");

    private final List<MemoryResult> results;

    RandomAccessTables(List<MemoryResult> results) {
        this.results = results;
    }

    List<Long> workingSets() {
        return results.stream()
                .map(r -> r.get("workingSet"))
                .distinct()
                .sorted()
                .toList();
    }

    Optional<MemoryResult> find(String variant, long workingSet) {
        return results.stream()
                .filter(r -> r.variant().equals(variant) && r.get("workingSet") == workingSet)
                .findFirst();
    }

    /** How many times faster than allocateDirect's memory (its time over this one's), same size and pattern. */
    double speedUp(MemoryResult r, String pattern) {
        return find(RandomAccessSuite.BASELINE, r.get("workingSet"))
                .map(base -> (double) base.get(pattern) / r.get(pattern))
                .orElse(Double.NaN);
    }

    static double coverage(MemoryResult r) {
        return r.get("rss") <= 0 ? 0 : (double) r.get("anonHuge") / r.get("rss");
    }

    /** The rows in table order, for the bar chart too. */
    List<MemoryResult> rows() {
        List<MemoryResult> rows = new ArrayList<>();
        for (long workingSet : workingSets()) {
            for (String id : RandomAccessSuite.VARIANTS) {
                find(id, workingSet).ifPresent(rows::add);
            }
        }
        return rows;
    }

    void appendTo(StringBuilder md) {
        md.append("| Allocator | Working set | Hugepage coverage | independent read | × allocateDirect "
                + "| dependent read | × allocateDirect | write | × allocateDirect | Settled after |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (long workingSet : workingSets()) {
            for (String id : RandomAccessSuite.VARIANTS) {
                MemoryVariant variant = MemoryVariant.byId(id);
                Optional<MemoryResult> found = find(id, workingSet);
                if (found.isEmpty()) {
                    if (!variant.available()) {
                        md.append("| ")
                                .append(variant.label())
                                .append(" | ")
                                .append(Fmt.mib(workingSet))
                                .append(" | not installed: `")
                                .append(JemallocLibrary.INSTALL_HINT)
                                .append("` | – | – | – | – | – | – | – |\n");
                    }
                    continue;
                }
                MemoryResult r = found.get();
                md.append("| ")
                        .append(variant.label())
                        .append(" | ")
                        .append(Fmt.mib(workingSet))
                        .append(" | ")
                        .append(Fmt.percent(coverage(r)));
                for (String pattern : PATTERNS) {
                    md.append(" | ")
                            .append(Fmt.nanos(r.get(pattern) / 1000.0))
                            .append(" | ")
                            .append(Fmt.ratio(speedUp(r, pattern)));
                }
                md.append(" | ")
                        .append(String.format(java.util.Locale.ROOT, "%.1f s", r.get("settleMillis") / 1000.0))
                        .append(" |\n");
            }
        }
    }
}
