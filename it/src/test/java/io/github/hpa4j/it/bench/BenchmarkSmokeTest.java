package io.github.hpa4j.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hpa4j.it.bench.workload.IdleFootprintWorkload;
import io.github.hpa4j.it.bench.workload.MemoryVariant;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's proof that the benchmarks run: the whole suite in smoke mode (every JMH benchmark forked once
 * with a 100 ms warm-up and a 200 ms measurement, every memory, random-access, mixed-size and
 * page-work JVM on a tiny workload), and a report with every table, every row and every picture. It
 * asserts completeness, never speed: the numbers of a smoke run mean nothing. Where jemalloc is not
 * installed, its rows must say so instead.
 */
class BenchmarkSmokeTest {

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void shouldRunEveryBenchmarkAndWriteEveryTable(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("BENCHMARKS.md");

        BenchmarkSuite.run(SuiteOptions.SMOKE, report);

        String md = Files.readString(report);
        for (String heading : List.of(
                "## Machine",
                "## Headline",
                "### Alloc + free pairs",
                "### Batches of 64",
                "### Floors",
                "## Speed",
                "### The front cache before and after",
                "## Memory quality",
                "#### Idle footprint",
                "#### hpa4j's own mappings",
                "### hpa4j allocation latency while purges run vs idle",
                "## Verdict",
                "## Noise",
                "### Which library each jemalloc configuration called",
                "## Scaling",
                "### Shards × threads",
                "### Allocation latency on a shard while its slabs are purged and hugified",
                "## The memory itself: random access",
                "## Mixed sizes, 16 B to 16 MiB",
                EverySizeTables.HEADING)) {
            assertTrue(md.contains(heading + "\n"), "missing section " + heading);
        }
        String verdicts = md.substring(md.indexOf("## Verdict\n"));
        assertTrue(verdicts.contains("| Must show | Measured | Bound | Verdict |\n"), "the verdict table's header");
        assertTrue(verdicts.contains("Hugepage coverage, loaded"), "the verdict table's memory rows");
        // Netty, allocateDirect and Arena.ofConfined have rows in both parts: look in each part alone.
        String speed = md.substring(md.indexOf("## Speed\n"), md.indexOf("## Memory quality\n"));
        String memory = md.substring(md.indexOf("## Memory quality\n"), md.indexOf("## The memory itself"));
        String randomAccess = md.substring(md.indexOf("## The memory itself"), md.indexOf("## Mixed sizes"));
        String mixed = md.substring(md.indexOf("## Mixed sizes"), md.indexOf(EverySizeTables.HEADING));
        String everySize = md.substring(md.indexOf(EverySizeTables.HEADING), md.indexOf("## Verdict\n"));
        for (SpeedRow.Subject subject : List.of(
                SpeedRow.Subject.HPA_CACHED,
                SpeedRow.Subject.HPA_LEASE,
                SpeedRow.Subject.NETTY,
                SpeedRow.Subject.ARENA_CONFINED)) {
            List<List<String>> rows = rowsOf(everySize, subject.label);
            assertEquals(
                    SuiteOptions.SMOKE.everySizes().size(), rows.size(), "small and large pairs of " + subject.label);
            assertEquals(
                    List.of("64 B", "1 MiB"), rows.stream().map(r -> r.get(1)).toList());
            rows.forEach(row -> assertPositive(row.get(2), subject.label + " pairs/s"));
        }
        boolean jemalloc = JemallocLibrary.installed();
        for (SpeedRow.Subject subject : SpeedRow.Subject.values()) {
            List<List<String>> rows = rowsOf(speed, subject.label);
            if (subject.jemalloc() && !jemalloc) {
                assertEquals(2, rows.size(), "not-installed rows of " + subject.label);
                assertTrue(rows.get(0).get(3).contains("not installed"), subject.label + ": " + rows.get(0));
                continue;
            }
            // Smoke: one size, one thread count; pair and batch (a lease has no batch).
            int expected = subject.floor() || subject == SpeedRow.Subject.HPA_LEASE ? 1 : 2;
            assertEquals(expected, rows.size(), "speed rows of " + subject.label);
            for (List<String> row : rows) {
                // Floors: | label | threads | ops/s | ... ; allocators: | label | size | threads | rate | ...
                assertPositive(row.get(subject.floor() ? 2 : 3), subject.label + " rate");
            }
        }
        String beforeAfter =
                md.substring(md.indexOf("### The front cache before and after"), md.indexOf("## Behind the caches"));
        List<List<String>> recorded = rowsOf(beforeAfter, "pair");
        assertEquals(1, recorded.size(), "smoke: one size, one thread count");
        assertEquals("0.924×", recorded.get(0).get(3), "the recorded ratio of 4 KiB pairs, one thread");
        assertPositive(recorded.get(0).get(4), "this run's ratio");
        String front = md.substring(md.indexOf("## Behind the caches"), md.indexOf("## Scaling\n"));
        List<List<String>> churn = rowsOf(front, FrontSuite.HPA_LABEL);
        assertEquals(1, churn.size(), "one hpa4j churn row per thread count");
        assertPositive(churn.get(0).get(2), "hpa4j churn rate");
        assertTrue(churn.get(0).get(5).contains("%"), "the waited share: " + churn.get(0));
        assertEquals(1, rowsOf(front, FrontSuite.NETTY_LABEL).size(), "Netty's churn row");
        assertEquals(
                3,
                rowsOf(front, "HpaCachedBenchmark.pair").size()
                        + rowsOf(front, "HpaLeaseBenchmark.pair").size()
                        + rowsOf(front, "NettyPooledBenchmark.pair").size(),
                "heap bytes of the three pairs");
        for (MemoryVariant variant : MemoryVariant.ALL) {
            List<List<String>> rows = rowsOf(memory, variant.label());
            if (!variant.available()) {
                assertEquals(1, rows.size(), "not-installed row of " + variant.label());
                assertTrue(rows.get(0).get(1).contains("not installed"), variant.label() + ": " + rows.get(0));
                continue;
            }
            int expected = variant.isHpa4j() ? 3 : 1; // residency; hpa4j: own mappings and latency too
            assertEquals(expected, rows.size(), "memory rows of " + variant.label());
            assertPositive(rows.get(0).get(1), variant.label() + " live bytes");
            assertPositive(rows.get(0).get(2), variant.label() + " peak Rss");
        }
        for (String id : IdleFootprintWorkload.VARIANTS) {
            List<List<String>> rows = rowsOf(memory, IdleFootprintWorkload.label(id));
            assertEquals(1, rows.size(), "idle footprint row of " + id);
            assertPositive(rows.get(0).get(1), id + " Rss");
            assertPositive(rows.get(0).get(2), id + " threads");
        }
        for (String id : RandomAccessSuite.VARIANTS) {
            MemoryVariant variant = MemoryVariant.byId(id);
            List<List<String>> rows = rowsOf(randomAccess, variant.label());
            assertEquals(1, rows.size(), "random-access rows of " + variant.label()); // smoke: one working set
            if (variant.available()) {
                for (int column : List.of(3, 5, 7)) { // the three patterns' times
                    assertPositive(rows.get(0).get(column), variant.label() + " access time");
                }
            } else {
                assertTrue(rows.get(0).get(2).contains("not installed"), variant.label() + ": " + rows.get(0));
            }
        }
        for (String id : MixedSizesSuite.VARIANTS) {
            MemoryVariant variant = MemoryVariant.byId(id);
            List<List<String>> rows = rowsOf(mixed, variant.label());
            assertEquals(1, rows.size(), "mixed-size rows of " + variant.label());
            if (variant.available()) {
                assertPositive(rows.get(0).get(1), variant.label() + " mixed ops/s");
                assertPositive(rows.get(0).get(6), variant.label() + " mixed loaded Rss");
            } else {
                assertTrue(rows.get(0).get(1).contains("not installed"), variant.label() + ": " + rows.get(0));
            }
        }
        for (String cache : List.of("on", "off")) {
            List<List<String>> rows = rowsOf(md, cache);
            assertEquals(4, rows.size(), "scaling rows with the cache " + cache); // 1 and 2 shards × 1 and 2 threads
            for (List<String> row : rows) {
                assertPositive(row.get(3), "scaling pairs/s");
            }
        }
        List<List<String>> idle = rowsOf(md, "idle (no other client, no page work)");
        assertEquals(1, idle.size(), "page-work latency idle row");
        assertPositive(idle.get(0).get(1), "idle probe pairs");
        // speed, front, scaling, memory, page work, random access, mixed, small and large pairs (+ jemalloc speed)
        int sections = jemalloc ? 9 : 8;
        String noise = md.substring(md.indexOf("## Noise\n"), md.indexOf("## Headline\n"));
        assertEquals(
                sections,
                noise.lines()
                        .filter(line -> line.startsWith("| ") && !line.startsWith("| Section"))
                        .count(),
                noise);
        for (String picture :
                List.of("speed-pairs.png", "speed-batches.png", "memory-timeline.png", "random-access.png")) {
            assertTrue(md.contains("](" + BenchmarkReport.PICTURES + "/" + picture + ")"), "no link to " + picture);
            BufferedImage image = ImageIO.read(
                    dir.resolve(BenchmarkReport.PICTURES).resolve(picture).toFile());
            assertTrue(image != null && image.getWidth() >= 1000, picture + " is not a rendered chart");
        }
    }

    /** The cells (after the label) of every table row whose first cell is exactly {@code label}. */
    private static List<List<String>> rowsOf(String md, String label) {
        return md.lines()
                .filter(line -> line.startsWith("| " + label + " |"))
                .map(line -> List.of(line.substring(1, line.length() - 1).split("\\|")).stream()
                        .map(String::trim)
                        .toList())
                .toList();
    }

    private static void assertPositive(String cell, String what) {
        String number = cell.replaceAll("[^0-9.]", "");
        assertTrue(!number.isEmpty() && Double.parseDouble(number) > 0, what + " not positive: \"" + cell + "\"");
    }
}
