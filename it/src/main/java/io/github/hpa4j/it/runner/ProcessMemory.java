package io.github.hpa4j.it.runner;

import io.github.hpa4j.bridge.SmapsReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole JVM's memory as Linux reports it, next to hpa4j's own mappings: heap, metaspace and
 * thread stacks are not hpa4j's, and the report keeps the two apart. Everything is -1 where
 * {@code /proc} cannot be read (not Linux).
 */
final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private final SmapsReader reader = new SmapsReader();

    /** Resident bytes of the process now (smaps_rollup). */
    long rss() {
        try {
            return reader.readProcess().rss();
        } catch (UncheckedIOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /** The process's peak resident bytes so far: VmHWM, exact (not sampled). */
    long peakRss() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through: unknown
        }
        return -1;
    }
}
