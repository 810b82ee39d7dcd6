package io.github.hpa4j.it.bench.workload;

import io.github.hpa4j.bridge.SmapsReading;
import io.github.hpa4j.it.bench.MemoryResult;
import io.github.hpa4j.it.bench.MemorySuite;
import io.github.hpa4j.it.bench.MemoryWorkloadSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * One allocator's memory-quality run, alone in its JVM so that no other allocator's mappings,
 * caches or GC state mix into its smaps figures. Started by {@link MemorySuite}:
 * {@code MemoryQualityWorkload <variant> <spec...>}; prints one {@link MemoryResult} line.
 *
 * <p>Timeline: baseline reading; grow to the working set; churn; hold (hugify delay passes; the
 * "loaded" reading); free 90 % in random order; wait one purge interval (the "final" reading).
 * hpa4j's latency probe runs from the hold to the end. The JVM's C heap is trimmed before every
 * reading ({@link NativeHeap}): the readings are the allocator's, not the compiler's scratch.
 */
public final class MemoryQualityWorkload {
    private static final int MAX_PAGES = 16;
    /** At most 4 MiB live: small beside any working set the suite runs. */
    private static final int WARM_UP_BLOCKS = 64;

    private MemoryQualityWorkload() {}

    public static void main(String[] args) throws Exception {
        MemoryVariant variant = MemoryVariant.byId(args[0]);
        MemoryWorkloadSpec spec = MemoryWorkloadSpec.fromArgs(args, 1);
        Map<String, Long> out = new LinkedHashMap<>();
        try (MemorySubject subject = variant.open();
                RssSampler rss = new RssSampler()) {
            run(variant.id(), subject, spec, rss, out);
        }
        new MemoryResult(variant.id(), out).printAndExit();
    }

    private static void run(
            String subjectId, MemorySubject subject, MemoryWorkloadSpec spec, RssSampler rss, Map<String, Long> out)
            throws InterruptedException {
        warmUp(subject, new Random(~spec.seed()), spec.churnOps());
        System.gc();
        // As long as the final reading waits: in the full suite, past one cleaning of the JIT's chunk pool.
        NativeHeap.settle(spec.waitMillis());
        SmapsReading base = rss.read();
        rss.start();
        Random random = new Random(spec.seed());
        List<Object> blocks = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        long live = 0;

        long t0 = System.nanoTime();
        while (live < spec.workingSetBytes()) {
            live += allocate(subject, random, blocks, sizes);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < spec.churnOps(); i++) {
            live -= freeAt(subject, random.nextInt(blocks.size()), blocks, sizes);
            live += allocate(subject, random, blocks, sizes);
        }
        long t2 = System.nanoTime();
        out.put("liveBytes", live);
        out.put("blocks", (long) blocks.size());
        out.put("growMillis", (t1 - t0) / 1_000_000);
        out.put("churnMillis", (t2 - t1) / 1_000_000);

        LatencyProbe probe = subject.probe();
        if (probe != null) {
            probe.start();
        }
        Thread.sleep(spec.holdMillis());
        NativeHeap.trim();
        putReading(out, "loaded", rss.read(), base);
        putOwn(out, "ownLoaded", subject.ownRegions());

        long freed = MemorySubject.freeNinetyPercent(subject, blocks, sizes, random);
        out.put("freedBytes", freed);
        Thread.sleep(spec.waitMillis());
        NativeHeap.trim();
        putReading(out, "final", rss.read(), base);
        putOwn(out, "ownFinal", subject.ownRegions());
        out.put("peakRss", rss.peakRss() - base.rss());
        out.put("peakAnonHuge", rss.peakAnonHuge() - base.anonHugePages());
        out.put("baseRss", base.rss());
        MemoryTimeline.write(subjectId, rss.samples(), base);

        if (probe != null) {
            probe.close();
            putLatency(out, "idle", probe.idle());
            putLatency(out, "purge", probe.duringPurge());
            putLatency(out, "hugify", probe.duringHugify());
        }
        // Keep the survivors reachable until every reading is taken.
        Thread.onSpinWait();
        if (blocks.isEmpty()) {
            throw new IllegalStateException("no blocks");
        }
    }

    /**
     * Runs the allocator through as many frees and allocations as the churn, on a ring of
     * {@link #WARM_UP_BLOCKS} blocks of the workload's sizes, then frees them all, before the
     * baseline: the classes an allocator loads and the code the JIT compiles for it on first use
     * (for hpa4j with its actors, NMT: 3.5 MiB of code and 1.8 MiB of metaspace) are a fixed cost,
     * the same at any working set, not memory held for blocks; the deltas here measure what grows
     * with the working set. Every variant warms up alike; the warm-up draws from a seed of its own,
     * so the sizes and victims of the measured part stay the same.
     */
    private static void warmUp(MemorySubject subject, Random random, int pairs) {
        List<Object> blocks = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < WARM_UP_BLOCKS; i++) {
            allocate(subject, random, blocks, sizes);
        }
        for (int i = 0; i < pairs; i++) {
            freeAt(subject, random.nextInt(blocks.size()), blocks, sizes);
            allocate(subject, random, blocks, sizes);
        }
        while (!blocks.isEmpty()) {
            freeAt(subject, blocks.size() - 1, blocks, sizes);
        }
        subject.afterFrees();
    }

    private static long allocate(MemorySubject subject, Random random, List<Object> blocks, List<Integer> sizes) {
        int bytes = (1 + random.nextInt(MAX_PAGES)) * MemorySubject.PAGE;
        blocks.add(subject.allocate(bytes));
        sizes.add(bytes);
        return bytes;
    }

    /** Frees block {@code index} and fills its slot with the last block: O(1), order does not matter. */
    private static long freeAt(MemorySubject subject, int index, List<Object> blocks, List<Integer> sizes) {
        int last = blocks.size() - 1;
        subject.free(blocks.get(index));
        long bytes = sizes.get(index);
        blocks.set(index, blocks.get(last));
        sizes.set(index, sizes.get(last));
        blocks.removeLast();
        sizes.removeLast();
        return bytes;
    }

    private static void putReading(Map<String, Long> out, String name, SmapsReading reading, SmapsReading base) {
        out.put(name + "Rss", reading.rss() - base.rss());
        out.put(name + "AnonHuge", reading.anonHugePages() - base.anonHugePages());
    }

    private static void putOwn(Map<String, Long> out, String name, SmapsReading reading) {
        if (reading != null) {
            out.put(name + "Rss", reading.rss());
            out.put(name + "AnonHuge", reading.anonHugePages());
        }
    }

    private static void putLatency(Map<String, Long> out, String name, Histogram histogram) {
        out.put(name + "Count", histogram.getTotalCount());
        if (histogram.getTotalCount() > 0) {
            out.put(name + "P50", histogram.getValueAtPercentile(50));
            out.put(name + "P99", histogram.getValueAtPercentile(99));
        }
    }
}
