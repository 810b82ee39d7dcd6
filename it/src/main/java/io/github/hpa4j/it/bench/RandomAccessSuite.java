package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.workload.MemoryVariant;
import io.github.hpa4j.it.bench.workload.RandomAccessWorkload;
import io.github.hpa4j.it.text.Fmt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@link RandomAccessWorkload} for every allocator and working-set size, each in a fresh JVM
 * (a 4 GiB working set of one allocator must not share the machine's memory with another's).
 */
public final class RandomAccessSuite {
    /** The allocators compared, reference settings each; jemalloc with its HPA able to take 64 KiB blocks. */
    static final List<String> VARIANTS = List.of(
            "hpa4j:collapse:2", "netty", "netty-adaptive", "direct", "arena", "jemalloc:hpa-68k", "jemalloc:off");

    /** The baseline of the ratios: what a JDK user gets without any allocator library. */
    static final String BASELINE = "direct";

    /** A small heap (the block table only) and room for 4 GiB of direct buffers. */
    private static final List<String> JVM_ARGS = List.of("-Xms256m", "-Xmx256m", "-XX:MaxDirectMemorySize=16g");

    private RandomAccessSuite() {}

    static List<MemoryResult> run(SuiteOptions options, List<String> commonJvmArgs) {
        List<MemoryResult> results = new ArrayList<>();
        RandomAccessSpec spec = options.randomAccess();
        for (long workingSet : spec.workingSets()) {
            for (String id : VARIANTS) {
                ChildJvm.runVariant(
                                "random access",
                                MemoryVariant.byId(id),
                                Fmt.mib(workingSet),
                                commonJvmArgs,
                                JVM_ARGS,
                                RandomAccessWorkload.class,
                                List.of(
                                        id,
                                        Long.toString(workingSet),
                                        Long.toString(spec.accesses()),
                                        Long.toString(spec.settleMillis())),
                                Duration.ofMinutes(3))
                        .ifPresent(results::add);
            }
        }
        return results;
    }
}
