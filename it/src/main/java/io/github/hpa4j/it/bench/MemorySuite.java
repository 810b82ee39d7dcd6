package io.github.hpa4j.it.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@link MemoryQualityWorkload} once per {@link MemoryVariant}, each in a fresh JVM, one after the other. */
final class MemorySuite {
    /**
     * The same fixed heap everywhere, pre-touched, so that the process Rss moves with the allocator,
     * not with heap growth; the direct-memory limit is raised for Netty and allocateDirect.
     */
    static final List<String> JVM_ARGS = List.of(
            "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:MaxDirectMemorySize=8g");

    private MemorySuite() {
    }

    static List<MemoryResult> run(SuiteOptions options, List<String> commonJvmArgs) {
        List<MemoryResult> results = new ArrayList<>();
        for (MemoryVariant variant : MemoryVariant.ALL) {
            long start = System.nanoTime();
            MemoryResult result = runOne(variant, options.memoryWorkload(), commonJvmArgs);
            System.out.printf("memory quality: %-28s done in %.1f s%n", variant.label(),
                    (System.nanoTime() - start) / 1e9);
            results.add(result);
        }
        return results;
    }

    private static MemoryResult runOne(MemoryVariant variant, MemoryWorkloadSpec spec, List<String> commonJvmArgs) {
        List<String> command = new ArrayList<>();
        command.add(BenchmarkSuite.javaExecutable());
        command.addAll(commonJvmArgs);
        command.addAll(JVM_ARGS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MemoryQualityWorkload.class.getName());
        command.add(variant.id());
        command.addAll(spec.toArgs());
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            MemoryResult result = null;
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(MemoryResult.PREFIX)) {
                        result = MemoryResult.parse(line);
                    } else {
                        System.out.println("  [" + variant.id() + "] " + line);
                    }
                }
            }
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(variant.id() + ": memory workload did not exit");
            }
            if (process.exitValue() != 0 || result == null) {
                throw new IllegalStateException(variant.id() + ": memory workload failed with exit code "
                        + process.exitValue() + (result == null ? " and no result line" : ""));
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
