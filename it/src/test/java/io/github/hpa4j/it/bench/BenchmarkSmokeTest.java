package io.github.hpa4j.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's proof that the benchmarks run: the whole suite in smoke mode (every JMH benchmark forked once
 * with a 100 ms warm-up and a 200 ms measurement, every memory-quality JVM on a tiny workload), and a
 * report with every table and every row. It asserts completeness, never speed: the numbers of a smoke
 * run mean nothing.
 */
class BenchmarkSmokeTest {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldRunEveryBenchmarkAndWriteEveryTable(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("BENCHMARKS.md");

        BenchmarkSuite.run(SuiteOptions.SMOKE, report);

        String md = Files.readString(report);
        for (String heading : List.of("## Machine", "## Headline", "### Alloc + free pairs", "### Batches of 64",
                "### Floors", "## Speed", "## Memory quality", "#### hpa4j's own mappings",
                "### hpa4j allocation latency while purges run vs idle", "## Closing note")) {
            assertTrue(md.contains(heading + "\n"), "missing section " + heading);
        }
        // Netty, allocateDirect and Arena.ofConfined have rows in both parts: look in each part alone.
        String speed = md.substring(md.indexOf("## Speed\n"), md.indexOf("## Memory quality\n"));
        String memory = md.substring(md.indexOf("## Memory quality\n"), md.indexOf("## Closing note\n"));
        for (SpeedRow.Subject subject : SpeedRow.Subject.values()) {
            List<List<String>> rows = rowsOf(speed, subject.label);
            int expected = subject.floor() ? 1 : 2; // smoke: one size, one thread count; pair and batch
            assertEquals(expected, rows.size(), "speed rows of " + subject.label);
            for (List<String> row : rows) {
                // Floors: | label | threads | ops/s | ... ; allocators: | label | size | threads | rate | ...
                assertPositive(row.get(subject.floor() ? 2 : 3), subject.label + " rate");
            }
        }
        for (MemoryVariant variant : MemoryVariant.ALL) {
            List<List<String>> rows = rowsOf(memory, variant.label());
            int expected = variant.isHpa4j() ? 3 : 1; // residency; hpa4j: own mappings and latency too
            assertEquals(expected, rows.size(), "memory rows of " + variant.label());
            assertPositive(rows.get(0).get(1), variant.label() + " live bytes");
            assertPositive(rows.get(0).get(2), variant.label() + " peak Rss");
        }
    }

    /** The cells (after the label) of every table row whose first cell is exactly {@code label}. */
    private static List<List<String>> rowsOf(String md, String label) {
        return md.lines().filter(line -> line.startsWith("| " + label + " |"))
                .map(line -> List.of(line.substring(1, line.length() - 1).split("\\|")).stream()
                        .map(String::trim).toList())
                .toList();
    }

    private static void assertPositive(String cell, String what) {
        String number = cell.replaceAll("[^0-9.]", "");
        assertTrue(!number.isEmpty() && Double.parseDouble(number) > 0, what + " not positive: \"" + cell + "\"");
    }
}
