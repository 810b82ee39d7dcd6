package io.github.hpa4j.it.bench.workload;

import io.github.hpa4j.bridge.SmapsReader;
import io.github.hpa4j.bridge.SmapsReading;
import io.github.hpa4j.it.bench.LatencyLog;
import io.github.hpa4j.it.bench.MemoryResult;
import io.github.hpa4j.it.bench.MixedSizesSuite;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * Sizes from 16 B to 16 MiB for one allocator, alone in its JVM. Started by {@link MixedSizesSuite}:
 * {@code MixedSizesWorkload <variant> <seed> <pairs> <liveBytes> <waitMillis>}; prints one {@link MemoryResult}
 * line.
 *
 * <p>Memory first: grow to the working set (touched), read Rss; free 90 % in random order, wait,
 * read again. Then speed: a ring of {@link #RING} live blocks; each timed operation frees the oldest and allocates
 * a new one, touching each of its pages (so that an allocator that reuses resident memory is seen to
 * save the page faults).
 */
public final class MixedSizesWorkload {
    static final int MIN = 16;
    static final int MAX = 16 << 20;
    private static final int RING = 64;

    private MixedSizesWorkload() {}

    public static void main(String[] args) throws Exception {
        MemoryVariant variant = MemoryVariant.byId(args[0]);
        long seed = Long.parseLong(args[1]);
        int pairs = Integer.parseInt(args[2]);
        long liveBytes = Long.parseLong(args[3]);
        long waitMillis = Long.parseLong(args[4]);
        Map<String, Long> out = new LinkedHashMap<>();
        try (MemorySubject subject = variant.open()) {
            // Memory first: what the speed part frees and the allocator keeps would be in its baseline.
            memory(subject, new Random(seed + 1), liveBytes, waitMillis, out);
            speed(subject, new Random(seed), pairs, out);
        }
        new MemoryResult(variant.id(), out).printAndExit();
    }

    /** Log-uniform in [MIN, MAX]. */
    static int size(Random random) {
        double log2 = Math.log(MIN) / Math.log(2) + random.nextDouble() * (Math.log((double) MAX / MIN) / Math.log(2));
        return (int) Math.min(MAX, Math.max(MIN, Math.round(Math.pow(2, log2))));
    }

    private static void speed(MemorySubject subject, Random random, int pairs, Map<String, Long> out) {
        Object[] ring = new Object[RING];
        for (int i = 0; i < RING; i++) {
            ring[i] = subject.allocate(size(random));
        }
        Histogram histogram = LatencyLog.newHistogram();
        long start = System.nanoTime();
        for (int i = 0; i < pairs; i++) {
            int slot = i % RING;
            int bytes = size(random);
            long t0 = System.nanoTime();
            subject.free(ring[slot]);
            ring[slot] = subject.allocate(bytes);
            histogram.recordValue(System.nanoTime() - t0);
        }
        long elapsed = System.nanoTime() - start;
        for (Object block : ring) {
            subject.free(block);
        }
        out.put("pairsPerSec", (long) (pairs * 1e9 / elapsed));
        out.put("p50", histogram.getValueAtPercentile(50));
        out.put("p99", histogram.getValueAtPercentile(99));
        out.put("p999", histogram.getValueAtPercentile(99.9));
    }

    private static void memory(
            MemorySubject subject, Random random, long liveBytes, long waitMillis, Map<String, Long> out)
            throws InterruptedException {
        SmapsReader smaps = new SmapsReader();
        subject.afterFrees();
        NativeHeap.settle(waitMillis);
        SmapsReading base = smaps.readProcess();
        List<Object> blocks = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        long live = 0;
        while (live < liveBytes) {
            int bytes = size(random);
            blocks.add(subject.allocate(bytes));
            sizes.add(bytes);
            live += bytes;
        }
        NativeHeap.trim();
        SmapsReading loaded = smaps.readProcess();
        long freed = MemorySubject.freeNinetyPercent(subject, blocks, sizes, random);
        Thread.sleep(waitMillis);
        NativeHeap.trim();
        SmapsReading after = smaps.readProcess();
        out.put("liveBytes", live);
        out.put("blocks", (long) blocks.size());
        out.put("freedBytes", freed);
        out.put("loadedRss", loaded.rss() - base.rss());
        out.put("loadedAnonHuge", loaded.anonHugePages() - base.anonHugePages());
        out.put("finalRss", after.rss() - base.rss());
    }
}
