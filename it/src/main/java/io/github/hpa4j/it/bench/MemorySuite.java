package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.workload.IdleFootprintWorkload;
import io.github.hpa4j.it.bench.workload.MemoryQualityWorkload;
import io.github.hpa4j.it.bench.workload.MemoryTimeline;
import io.github.hpa4j.it.bench.workload.MemoryVariant;
import io.github.hpa4j.it.bench.workload.NativeHeap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs {@link MemoryQualityWorkload} once per {@link MemoryVariant}, each in a fresh JVM, one after the
 * other, then {@link IdleFootprintWorkload} for each of its variants.
 */
public final class MemorySuite {
    /**
     * The same fixed heap everywhere, pre-touched, so that the process Rss moves with the allocator,
     * not with heap growth; the JVM's C heap trimmed as in {@link NativeHeap}, for the same reason;
     * the direct-memory limit is raised for Netty and allocateDirect.
     */
    static final List<String> JVM_ARGS = Stream.concat(
                    Stream.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:MaxDirectMemorySize=8g"),
                    NativeHeap.JVM_ARGS.stream())
            .toList();

    private MemorySuite() {}

    static List<MemoryResult> run(SuiteOptions options, List<String> commonJvmArgs, java.nio.file.Path timelineDir) {
        List<MemoryResult> results = new ArrayList<>();
        for (MemoryVariant variant : MemoryVariant.ALL) {
            if (!variant.available()) {
                System.out.printf(
                        "memory quality: %-28s skipped: jemalloc not installed (%s)%n",
                        variant.label(), JemallocLibrary.INSTALL_HINT);
                continue;
            }
            long start = System.nanoTime();
            List<String> jvmArgs = new ArrayList<>(commonJvmArgs);
            jvmArgs.add("-D" + MemoryTimeline.DIR_PROPERTY + "=" + timelineDir);
            MemoryResult result = runOne(variant, options.memoryWorkload(), jvmArgs);
            System.out.printf(
                    "memory quality: %-28s done in %.1f s%n", variant.label(), (System.nanoTime() - start) / 1e9);
            results.add(result);
        }
        for (String id : IdleFootprintWorkload.VARIANTS) {
            results.add(ChildJvm.run(
                    id,
                    jvmArgs(commonJvmArgs),
                    Map.of(),
                    IdleFootprintWorkload.class,
                    List.of(id),
                    Duration.ofMinutes(1)));
        }
        System.out.printf("memory quality: idle footprint done%n");
        return results;
    }

    private static List<String> jvmArgs(List<String> commonJvmArgs) {
        List<String> jvmArgs = new ArrayList<>(commonJvmArgs);
        jvmArgs.addAll(JVM_ARGS);
        return jvmArgs;
    }

    private static MemoryResult runOne(MemoryVariant variant, MemoryWorkloadSpec spec, List<String> commonJvmArgs) {
        List<String> args = new ArrayList<>();
        args.add(variant.id());
        args.addAll(spec.toArgs());
        return ChildJvm.run(
                variant.id(),
                jvmArgs(commonJvmArgs),
                variant.environment(),
                MemoryQualityWorkload.class,
                args,
                Duration.ofMinutes(2));
    }
}
