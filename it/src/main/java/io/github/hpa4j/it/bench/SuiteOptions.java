package io.github.hpa4j.it.bench;

import java.util.List;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * How much of the suite runs and for how long. The full suite is sized for about thirty-five minutes on a
 * two-core machine: 88 JMH forks of ~4 s each, 36 more for jemalloc and 8 for scaling; eleven
 * memory-quality JVMs of ~20 s each; two 20 s phases of page-work latency; fourteen random-access
 * JVMs of 20 to 30 s each (a 12 s settle, 1 and 4 GiB); seven mixed-size JVMs of ten seconds and 12
 * JMH forks of small and large pairs. The
 * smoke suite only proves that every benchmark and workload runs and that the report is complete (CI).
 */
public record SuiteOptions(
        boolean smoke,
        List<Integer> sizes,
        List<Integer> everySizes,
        List<Integer> threads,
        TimeValue warmup,
        TimeValue measurement,
        MemoryWorkloadSpec memoryWorkload,
        RandomAccessSpec randomAccess,
        MixedSizesSpec mixedSizes,
        PageWorkLatencySpec pageWorkLatency) {

    /** Fixed so that every allocator, and every run, sees the same sizes and victims. */
    public static final long SEED = 0x6a09e667L;

    static final SuiteOptions FULL = new SuiteOptions(
            false,
            List.of(4096, 16384, 65536),
            List.of(64, 512, 1 << 20, 16 << 20),
            List.of(1, 2),
            TimeValue.seconds(1),
            TimeValue.seconds(2),
            new MemoryWorkloadSpec(SEED, 512L << 20, 30_000, 11_000, 6_000),
            new RandomAccessSpec(List.of(1L << 30, 4L << 30), 10_000_000, 12_000),
            new MixedSizesSpec(SEED, 20_000, 256L << 20, 6_000),
            new PageWorkLatencySpec(20_000, 128L << 20));

    static final SuiteOptions SMOKE = new SuiteOptions(
            true,
            List.of(4096),
            List.of(64, 1 << 20),
            List.of(1),
            TimeValue.milliseconds(100),
            TimeValue.milliseconds(200),
            new MemoryWorkloadSpec(SEED, 8L << 20, 200, 200, 200),
            new RandomAccessSpec(List.of(16L << 20), 100_000, 100),
            new MixedSizesSpec(SEED, 500, 8L << 20, 200),
            new PageWorkLatencySpec(1_500, 8L << 20));
}
