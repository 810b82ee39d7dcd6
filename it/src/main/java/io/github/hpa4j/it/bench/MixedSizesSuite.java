package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.workload.MemoryVariant;
import io.github.hpa4j.it.bench.workload.MixedSizesWorkload;
import io.github.hpa4j.it.bench.workload.NativeHeap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Runs {@link MixedSizesWorkload} for every allocator that serves 16 B to 16 MiB, each in a fresh JVM. */
public final class MixedSizesSuite {
    static final List<String> VARIANTS = List.of(
            "hpa4j:collapse:2",
            "hpa4j:collapse:2:jemalloc",
            "netty",
            "netty-adaptive",
            "direct",
            "arena",
            "glibc",
            "jemalloc:hpa-68k",
            "jemalloc:off");

    /**
     * The heap pre-touched, as in the memory-quality runs, so that the Rss deltas move with the
     * allocator and not with the heap's growth; the direct-memory limit also triggers allocateDirect's
     * GCs, so its Rss stays bounded on a shared machine; the JVM's C heap trimmed as in {@link NativeHeap}.
     */
    private static final List<String> JVM_ARGS = Stream.concat(
                    Stream.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:MaxDirectMemorySize=1g"),
                    NativeHeap.JVM_ARGS.stream())
            .toList();

    private MixedSizesSuite() {}

    static List<MemoryResult> run(SuiteOptions options, List<String> commonJvmArgs) {
        MixedSizesSpec spec = options.mixedSizes();
        List<MemoryResult> results = new ArrayList<>();
        for (String id : VARIANTS) {
            ChildJvm.runVariant(
                            "mixed sizes",
                            MemoryVariant.byId(id),
                            "",
                            commonJvmArgs,
                            JVM_ARGS,
                            MixedSizesWorkload.class,
                            List.of(
                                    id,
                                    Long.toString(spec.seed()),
                                    Integer.toString(spec.pairs()),
                                    Long.toString(spec.liveBytes()),
                                    Long.toString(spec.waitMillis())),
                            Duration.ofMinutes(3))
                    .ifPresent(results::add);
        }
        return results;
    }
}
