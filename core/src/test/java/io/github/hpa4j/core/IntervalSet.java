package io.github.hpa4j.core;

import java.util.Map;
import java.util.TreeMap;

/** Disjoint half-open byte ranges, merged on add and split on remove: a test's shadow of dirty memory. */
final class IntervalSet {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    void add(long start, long end) {
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        for (Map.Entry<Long, Long> e = ranges.ceilingEntry(start);
                e != null && e.getKey() <= end;
                e = ranges.ceilingEntry(start)) {
            end = Math.max(end, e.getValue());
            ranges.remove(e.getKey());
        }
        ranges.put(start, end);
    }

    void remove(long start, long end) {
        Map.Entry<Long, Long> before = ranges.lowerEntry(start);
        if (before != null && before.getValue() > start) {
            ranges.put(before.getKey(), start);
            if (before.getValue() > end) {
                ranges.put(end, before.getValue());
            }
        }
        for (Map.Entry<Long, Long> e = ranges.ceilingEntry(start);
                e != null && e.getKey() < end;
                e = ranges.ceilingEntry(start)) {
            ranges.remove(e.getKey());
            if (e.getValue() > end) {
                ranges.put(end, e.getValue());
            }
        }
    }

    /** The parts of {@code [start, end)} in the set, in order. */
    Iterable<Map.Entry<Long, Long>> within(long start, long end) {
        TreeMap<Long, Long> out = new TreeMap<>();
        Map.Entry<Long, Long> before = ranges.lowerEntry(start);
        if (before != null && before.getValue() > start) {
            out.put(start, Math.min(end, before.getValue()));
        }
        for (Map.Entry<Long, Long> e : ranges.subMap(start, true, end, false).entrySet()) {
            out.put(e.getKey(), Math.min(end, e.getValue()));
        }
        return out.entrySet();
    }
}
