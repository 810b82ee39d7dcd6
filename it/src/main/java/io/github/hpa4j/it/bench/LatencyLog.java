package io.github.hpa4j.it.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Per-operation latencies of the actor-loop benchmarks, carried from the JMH fork to the driver.
 *
 * <p>Why not JMH's sample mode there: one invocation runs hundreds of round trips inside an actor, so
 * JMH can only time the invocation and divide; its percentiles would be of averages. The client
 * actor times each operation itself; each JMH thread writes its histogram to
 * {@code -Dhpa4j.bench.latencyDir} when the trial ends, and the driver merges the files of one
 * result by {@link #key}.
 */
public final class LatencyLog {
    static final String DIR_PROPERTY = "hpa4j.bench.latencyDir";

    private LatencyLog() {}

    /** Tracks up to an hour in nanoseconds at 3 significant digits. */
    public static Histogram newHistogram() {
        return new Histogram(3_600_000_000_000L, 3);
    }

    /** The same string for a result's {@code BenchmarkParams} in the fork and in the driver. */
    static String key(BenchmarkParams params) {
        StringBuilder key = new StringBuilder(params.getBenchmark());
        for (String name : params.getParamsKeys()) {
            key.append('_').append(name).append('=').append(params.getParam(name));
        }
        key.append("_t")
                .append(params.getThreads())
                .append('_')
                .append(params.getMode().shortLabel());
        return key.toString().replaceAll("[^A-Za-z0-9._=-]", "_");
    }

    /** Called by each JMH thread at trial end; a no-op outside the suite (no directory given). */
    public static void write(BenchmarkParams params, int threadIndex, Histogram histogram) {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip().get(bytes);
        try {
            Files.writeString(
                    Path.of(dir, key(params) + "#" + threadIndex + ".hist"),
                    Base64.getEncoder().encodeToString(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All threads' histograms of one result merged, if the benchmark wrote any. */
    static Optional<Histogram> read(Path dir, BenchmarkParams params) {
        String prefix = key(params) + "#";
        Histogram merged = newHistogram();
        boolean found = false;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().startsWith(prefix)) {
                    byte[] bytes =
                            Base64.getDecoder().decode(Files.readString(file).trim());
                    merged.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0));
                    found = true;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (DataFormatException e) {
            throw new IllegalStateException("corrupt latency file for " + prefix, e);
        }
        return found ? Optional.of(merged) : Optional.empty();
    }
}
