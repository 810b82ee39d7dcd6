package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Page hooks for a model test: they fail the test at a purge that reaches memory the model still
 * holds live, since purging drops its contents.
 *
 * @param <V> what the model keeps for each live allocation, by start address
 */
class LivePurgeGuard<V> extends ForwardingPageHooks {
    private final NavigableMap<Long, V> live;
    private final ToLongFunction<Map.Entry<Long, V>> end;
    private final Supplier<String> where;

    /**
     * @param delegate where every call goes on to
     * @param live     the model's live allocations, by start address, none overlapping
     * @param end      the end address of a live allocation
     * @param where    the seed and step a failure names
     */
    LivePurgeGuard(
            PageHooks delegate,
            NavigableMap<Long, V> live,
            ToLongFunction<Map.Entry<Long, V>> end,
            Supplier<String> where) {
        super(delegate);
        this.live = live;
        this.end = end;
        this.where = where;
    }

    @Override
    public void purge(long address, long size) {
        // The only live allocation that can overlap is the last one starting below the range's end.
        Map.Entry<Long, V> e = live.lowerEntry(address + size);
        if (e != null && end.applyAsLong(e) > address) {
            fail(where.get() + "purge of [0x" + Long.toHexString(address) + ", +" + size + ") covers the live"
                    + " allocation at 0x" + Long.toHexString(e.getKey()) + ": " + e.getValue());
        }
        super.purge(address, size);
    }
}
