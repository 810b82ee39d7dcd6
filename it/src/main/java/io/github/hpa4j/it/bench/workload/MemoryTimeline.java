package io.github.hpa4j.it.bench.workload;

import io.github.hpa4j.bridge.SmapsReading;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rss and AnonHugePages over time of one memory-quality run, carried from its JVM to the driver as a
 * file in {@code -Dhpa4j.bench.timelineDir}: one line {@code millis rssDelta anonHugeDelta} per sample,
 * deltas over the workload's baseline reading.
 */
public record MemoryTimeline(String variant, List<long[]> samples) {
    public static final String DIR_PROPERTY = "hpa4j.bench.timelineDir";

    /** Called by the workload at its end; a no-op outside the suite (no directory given). */
    static void write(String variant, List<long[]> samples, SmapsReading base) {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (long[] sample : samples) {
            text.append(sample[0])
                    .append(' ')
                    .append(sample[1] - base.rss())
                    .append(' ')
                    .append(sample[2] - base.anonHugePages())
                    .append('\n');
        }
        try {
            Files.writeString(file(Path.of(dir), variant), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The variant's timeline, or empty samples when its JVM wrote none. */
    public static MemoryTimeline read(Path dir, String variant) {
        List<long[]> samples = new ArrayList<>();
        Path file = file(dir, variant);
        if (Files.exists(file)) {
            try {
                for (String line : Files.readAllLines(file)) {
                    String[] fields = line.trim().split(" ", -1);
                    samples.add(
                            new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2])
                            });
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new MemoryTimeline(variant, samples);
    }

    private static Path file(Path dir, String variant) {
        return dir.resolve(variant.replaceAll("[^A-Za-z0-9.-]", "_") + ".timeline");
    }
}
