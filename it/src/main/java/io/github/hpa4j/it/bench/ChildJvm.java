package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.workload.MemoryVariant;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs one workload main class in a JVM of its own (same JDK and class path as this one, extra
 * environment for a preloaded allocator) and returns the one {@link MemoryResult} line it prints;
 * every other line is echoed, tagged with the workload's name, and kept for the report
 * ({@link #lastLines}: e.g. which library a jemalloc run called).
 */
final class ChildJvm {
    private static final List<String> LAST_LINES = new ArrayList<>();

    private ChildJvm() {}

    /** The lines other than the result that the last run printed. */
    static synchronized List<String> lastLines() {
        return List.copyOf(LAST_LINES);
    }

    /**
     * Runs {@code mainClass} for one allocator variant, in a child JVM with {@code commonJvmArgs}
     * then {@code sectionJvmArgs}, and says on the console when it is done; the variant's id is the
     * workload's tag. Empty, said on the console too, when the variant's allocator is not installed.
     *
     * @param section the report section, as the console lines name it
     * @param detail what the console lines add after the variant's label, or ""
     */
    static Optional<MemoryResult> runVariant(
            String section,
            MemoryVariant variant,
            String detail,
            List<String> commonJvmArgs,
            List<String> sectionJvmArgs,
            Class<?> mainClass,
            List<String> args,
            Duration timeout) {
        if (!variant.available()) {
            System.out.printf(
                    "%s: %-28s skipped: jemalloc not installed (%s)%n",
                    section, variant.label(), JemallocLibrary.INSTALL_HINT);
            return Optional.empty();
        }
        long start = System.nanoTime();
        List<String> jvmArgs = new ArrayList<>(commonJvmArgs);
        jvmArgs.addAll(sectionJvmArgs);
        MemoryResult result = run(variant.id(), jvmArgs, variant.environment(), mainClass, args, timeout);
        System.out.printf(
                "%s: %-28s %sdone in %.1f s%n",
                section, variant.label(), detail.isEmpty() ? "" : detail + " ", (System.nanoTime() - start) / 1e9);
        return Optional.of(result);
    }

    static synchronized MemoryResult run(
            String tag,
            List<String> jvmArgs,
            Map<String, String> environment,
            Class<?> mainClass,
            List<String> args,
            Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(BenchmarkSuite.javaExecutable());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            MemoryResult result = null;
            LAST_LINES.clear();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(MemoryResult.PREFIX)) {
                        result = MemoryResult.parse(line);
                    } else {
                        System.out.println("  [" + tag + "] " + line);
                        LAST_LINES.add(line);
                    }
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(tag + ": did not exit within " + timeout);
            }
            if (process.exitValue() != 0 || result == null) {
                throw new IllegalStateException(tag + ": failed with exit code " + process.exitValue()
                        + (result == null ? " and no result line" : ""));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
