package io.github.hpa4j.it.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The whole runner, small and short: phases run, every allocation verifies, report and PNG are written. */
class WorkloadRunnerSmokeTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    @Test
    @Timeout(60)
    void shouldRunAllPhasesAndWriteReportAndTimeline(@TempDir Path out) throws Exception {
        RunnerOptions options = RunnerOptions.parse(
                "--duration",
                "3s",
                "--idle",
                "1s",
                "--clients",
                "2",
                "--working-set",
                "8MiB",
                "--fill",
                "full",
                "--seed",
                "42",
                "--out",
                out.toString(),
                "--set",
                "hpa4j.min-purge-interval=200ms",
                "--set",
                "hpa4j.hugify-delay=200ms");
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        RunResult result = WorkloadRunner.run(options, new PrintStream(console, true, StandardCharsets.UTF_8));

        String report = Files.readString(result.reportFile());
        assertTrue(report.contains("___ Begin hpa4j workload report ___"), report);
        assertTrue(report.contains("p99.9"), report);
        assertTrue(
                report.contains("___ Begin hpa4j statistics ___") && report.contains("Slab bins, all shards"), report);
        assertTrue(report.contains("alloc churn") && report.contains("free free"), report);
        assertTrue(report.contains("Java " + Runtime.version()), report);
        assertTrue(report.contains("reclaimed 0 live extents"), report); // the clients freed everything
        byte[] png = Files.readAllBytes(result.chartFile());
        assertTrue(png.length > 10_000, "PNG too small: " + png.length + " bytes");
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, 4));
        String printed = console.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("== idle"), printed);
        assertTrue(printed.contains(result.reportFile().toString()), printed);
    }
}
