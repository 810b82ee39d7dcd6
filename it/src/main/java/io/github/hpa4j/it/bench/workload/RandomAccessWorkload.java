package io.github.hpa4j.it.bench.workload;

import io.github.hpa4j.bridge.AddressRange;
import io.github.hpa4j.bridge.SmapsReader;
import io.github.hpa4j.bridge.SmapsReading;
import io.github.hpa4j.it.bench.MemoryResult;
import io.github.hpa4j.it.bench.RandomAccessSuite;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the memory itself is worth: random 8-byte accesses over a working set allocated by one
 * allocator, alone in its JVM. Started by {@link RandomAccessSuite}:
 * {@code RandomAccessWorkload <variant> <workingSetBytes> <accesses> <settleMillis>}; prints one
 * {@link MemoryResult} line.
 *
 * <p>The working set is {@link #BLOCK}-byte blocks (the largest hpa4j serves, so that every allocator
 * gets the same request), filled once. Then, after a settle time in which hugepage policies act
 * (hpa4j's hugify delay is 10 s) and until the hugepage count is stable, three loops, each timed after a warm-up: independent reads (the
 * CPU overlaps the misses), dependent reads (each address comes from the value just read, so every
 * TLB miss and cache miss is paid in full: a pointer chase without building a permutation), and
 * independent writes. Every allocator pays the same index arithmetic and the same lookup of a block's
 * base address in a heap array; only where the bytes live differs.
 */
public final class RandomAccessWorkload {
    static final int BLOCK = 64 * 1024;
    /** The settle ends at the latest after this many times its fixed part. */
    public static final int SETTLE_LIMIT_FACTOR = 5;

    private static final int LONGS_PER_BLOCK_SHIFT = 13; // 64 KiB / 8 bytes = 2^13
    /** Every address the blocks can have; each access is bounds-checked against it, as cheaply for all. */
    // Restricted FFM call, allowed at run time by --enable-native-access (hpa4j.jvm.flags).
    @SuppressWarnings("restricted")
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private RandomAccessWorkload() {}

    public static void main(String[] args) throws Exception {
        MemoryVariant variant = MemoryVariant.byId(args[0]);
        long workingSet = Long.parseLong(args[1]);
        long accesses = Long.parseLong(args[2]);
        long settleMillis = Long.parseLong(args[3]);
        if (Long.bitCount(workingSet) != 1 || workingSet < BLOCK) {
            throw new IllegalArgumentException("working set must be a power of two of at least 64 KiB: " + workingSet);
        }
        Map<String, Long> out = new LinkedHashMap<>();
        try (MemorySubject subject = variant.open()) {
            run(subject, workingSet, accesses, settleMillis, out);
        }
        new MemoryResult(variant.id(), out).printAndExit();
    }

    private static void run(
            MemorySubject subject, long workingSet, long accesses, long settleMillis, Map<String, Long> out)
            throws InterruptedException {
        int blocks = (int) (workingSet / BLOCK);
        List<Object> held = new ArrayList<>(blocks);
        long[] bases = new long[blocks];
        List<AddressRange> ranges = new ArrayList<>(blocks);
        long t0 = System.nanoTime();
        for (int i = 0; i < blocks; i++) {
            Object block = subject.allocate(BLOCK);
            held.add(block);
            bases[i] = subject.address(block);
            ranges.add(new AddressRange(bases[i], BLOCK));
        }
        long mask = workingSet / Long.BYTES - 1;
        for (long index = 0; index <= mask; index++) {
            ALL.set(ValueLayout.JAVA_LONG, address(bases, index), mix(index));
        }
        out.put("setupMillis", (System.nanoTime() - t0) / 1_000_000);
        SmapsReader smaps = new SmapsReader();
        long settleStart = System.nanoTime();
        Thread.sleep(settleMillis);
        SmapsReading before = settle(smaps, ranges, settleMillis);
        out.put("settleMillis", (System.nanoTime() - settleStart) / 1_000_000);

        long warmup = Math.max(accesses / 10, 1);
        long sink = 0;
        sink += independentReads(bases, mask, warmup);
        long start = System.nanoTime();
        sink += independentReads(bases, mask, accesses);
        out.put("independentPicos", (System.nanoTime() - start) * 1000 / accesses);

        sink += dependentReads(bases, mask, warmup);
        start = System.nanoTime();
        sink += dependentReads(bases, mask, accesses);
        out.put("dependentPicos", (System.nanoTime() - start) * 1000 / accesses);

        writes(bases, mask, warmup);
        start = System.nanoTime();
        writes(bases, mask, accesses);
        out.put("writePicos", (System.nanoTime() - start) * 1000 / accesses);

        SmapsReading after = smaps.read(ranges);
        out.put("workingSet", workingSet);
        out.put("rss", after.rss());
        out.put("anonHuge", after.anonHugePages());
        out.put("anonHugeBefore", before.anonHugePages());
        out.put("rssBefore", before.rss());
        out.put("sink", sink & 1); // keeps the reads from being optimised away
        if (held.size() != blocks) {
            throw new IllegalStateException("lost blocks");
        }
    }

    /**
     * Waits, after the fixed settle time, until the working set's AnonHugePages stop changing (two
     * readings a second apart agree), for at most {@link #SETTLE_LIMIT_FACTOR} times the settle time:
     * hpa4j collapses a 4 GiB working set slab by slab on its page workers, and loops timed while it
     * does would measure the collapse (its copying and page-table locks), not the memory.
     */
    private static SmapsReading settle(SmapsReader smaps, List<AddressRange> ranges, long settleMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_LIMIT_FACTOR * settleMillis * 1_000_000;
        SmapsReading previous = smaps.read(ranges);
        while (System.nanoTime() < deadline) {
            Thread.sleep(Math.min(1000, settleMillis));
            SmapsReading current = smaps.read(ranges);
            if (current.anonHugePages() == previous.anonHugePages()) {
                return current;
            }
            previous = current;
        }
        return previous;
    }

    private static long address(long[] bases, long index) {
        return bases[(int) (index >>> LONGS_PER_BLOCK_SHIFT)] + ((index & ((1 << LONGS_PER_BLOCK_SHIFT) - 1)) << 3);
    }

    private static long independentReads(long[] bases, long mask, long n) {
        long sum = 0;
        long x = 0x9e3779b97f4a7c15L;
        for (long i = 0; i < n; i++) {
            x = mix(x + i);
            sum += ALL.get(ValueLayout.JAVA_LONG, address(bases, x & mask));
        }
        return sum;
    }

    private static long dependentReads(long[] bases, long mask, long n) {
        long value = 0x243f6a8885a308d3L;
        for (long i = 0; i < n; i++) {
            value = ALL.get(ValueLayout.JAVA_LONG, address(bases, mix(value + i) & mask));
        }
        return value;
    }

    private static void writes(long[] bases, long mask, long n) {
        long x = 0x13198a2e03707344L;
        for (long i = 0; i < n; i++) {
            x = mix(x + i);
            ALL.set(ValueLayout.JAVA_LONG, address(bases, x & mask), i);
        }
    }

    /** SplitMix64's finaliser: a full-period scramble, a few cycles, no state. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
