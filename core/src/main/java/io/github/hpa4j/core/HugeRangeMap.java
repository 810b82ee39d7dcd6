package io.github.hpa4j.core;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Free runs of whole hugepages, coalesced on insert and handed out best fit: TCMalloc's
 * {@code HugeAddressMap} as {@link HugeAllocator} and {@link HugeCache} use it. Best fit (the
 * shortest run that is long enough, lowest address among equals) keeps long runs whole for long
 * requests. Lengths are in hugepages.
 */
final class HugeRangeMap {
    private record Run(long address, long hugepages) {}

    private static final Comparator<Run> BY_LENGTH_THEN_ADDRESS =
            Comparator.comparingLong(Run::hugepages).thenComparingLong(Run::address);

    private final TreeMap<Long, Long> byAddress = new TreeMap<>();
    private final TreeSet<Run> byLength = new TreeSet<>(BY_LENGTH_THEN_ADDRESS);
    private long hugepages;

    /** Hugepages over every run. */
    long hugepages() {
        return hugepages;
    }

    int runs() {
        return byAddress.size();
    }

    boolean isEmpty() {
        return byAddress.isEmpty();
    }

    /** Adds a run, merging it with the runs it touches. It must overlap none. */
    void insert(long address, long length) {
        assert Pages.isHugepageAligned(address) && length > 0;
        long end = address + length * Pages.HUGEPAGE;
        Map.Entry<Long, Long> before = byAddress.floorEntry(address);
        if (before != null) {
            long beforeEnd = before.getKey() + before.getValue() * Pages.HUGEPAGE;
            if (beforeEnd > address) {
                throw new IllegalStateException("run 0x" + Long.toHexString(address) + " overlaps a free run");
            }
            if (beforeEnd == address) {
                remove(before.getKey(), before.getValue());
                address = before.getKey();
                length += before.getValue();
            }
        }
        Long afterLength = byAddress.get(end);
        Map.Entry<Long, Long> next = byAddress.ceilingEntry(address + 1);
        if (next != null && next.getKey() < end) {
            throw new IllegalStateException("run 0x" + Long.toHexString(address) + " overlaps a free run");
        }
        if (afterLength != null) {
            remove(end, afterLength);
            length += afterLength;
        }
        byAddress.put(address, length);
        byLength.add(new Run(address, length));
        hugepages += length;
    }

    /**
     * Takes {@code length} hugepages from the front of the best-fitting run; returns their address,
     * or -1 if no run is long enough.
     */
    long take(long length) {
        Run run = byLength.ceiling(new Run(Long.MIN_VALUE, length));
        if (run == null) {
            return -1;
        }
        remove(run.address, run.hugepages);
        if (run.hugepages > length) {
            long rest = run.address + length * Pages.HUGEPAGE;
            byAddress.put(rest, run.hugepages - length);
            byLength.add(new Run(rest, run.hugepages - length));
            hugepages += run.hugepages - length;
        }
        return run.address;
    }

    /**
     * Takes up to {@code length} hugepages from the shortest run (HugeCache::ShrinkCache removes
     * "smallest-ish nodes, to avoid fragmentation"), splitting it if it is longer; returns the run
     * packed as address and length by the two out-slots, or false if the map is empty.
     */
    boolean takeShortest(long length, long[] out) {
        if (byLength.isEmpty()) {
            return false;
        }
        Run run = byLength.first();
        remove(run.address, run.hugepages);
        long taken = Math.min(length, run.hugepages);
        if (run.hugepages > taken) {
            long rest = run.address + taken * Pages.HUGEPAGE;
            byAddress.put(rest, run.hugepages - taken);
            byLength.add(new Run(rest, run.hugepages - taken));
            hugepages += run.hugepages - taken;
        }
        out[0] = run.address;
        out[1] = taken;
        return true;
    }

    /** Whether {@code address} lies in a free run. */
    boolean contains(long address) {
        Map.Entry<Long, Long> e = byAddress.floorEntry(address);
        return e != null && address < e.getKey() + e.getValue() * Pages.HUGEPAGE;
    }

    /** Visits every run in address order. */
    void forEach(RunVisitor visitor) {
        for (Map.Entry<Long, Long> e : byAddress.entrySet()) {
            visitor.visit(e.getKey(), e.getValue());
        }
    }

    @FunctionalInterface
    interface RunVisitor {
        void visit(long address, long hugepages);
    }

    private void remove(long address, long length) {
        byAddress.remove(address);
        byLength.remove(new Run(address, length));
        hugepages -= length;
    }
}
