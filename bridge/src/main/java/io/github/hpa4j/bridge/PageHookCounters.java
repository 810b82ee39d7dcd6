package io.github.hpa4j.bridge;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** The counters behind {@link PageHookStats}. LongAdder: page workers update, a monitor reads rarely. */
final class PageHookCounters {
    /** The page hook calls counted each on its own, in calls and in bytes. */
    enum PageCall {
        MAP,
        UNMAP,
        PURGE,
        HUGIFY,
        DEHUGIFY;

        /** The name a refused or failed call is reported under. */
        final String operation = name().toLowerCase(Locale.ROOT);
    }

    private final Map<PageCall, LongAdder> calls = adders();
    private final Map<PageCall, LongAdder> bytes = adders();
    private final LongAdder errors = new LongAdder();
    final LongAdder collapses = new LongAdder();
    final LongAdder collapseFailures = new LongAdder();

    private static Map<PageCall, LongAdder> adders() {
        Map<PageCall, LongAdder> adders = new EnumMap<>(PageCall.class);
        for (PageCall call : PageCall.values()) {
            adders.put(call, new LongAdder());
        }
        return adders;
    }

    /**
     * Checks the size, makes the map call, and counts it: as a success, or, whatever it throws, in
     * {@code errors}.
     *
     * @return the address the call mapped
     */
    long map(long size, LongSupplier call) {
        return counted(PageCall.MAP, size, () -> {
            PageRanges.checkMapSize(size);
            return call.getAsLong();
        });
    }

    /**
     * Checks the range, makes the call, and counts it: as a success of {@code kind}, or, whatever it
     * throws, in {@code errors}.
     */
    void count(PageCall kind, long address, long size, Runnable call) {
        counted(kind, size, () -> {
            PageRanges.checkRange(kind.operation, address, size);
            call.run();
            return address;
        });
    }

    private long counted(PageCall kind, long size, LongSupplier call) {
        try {
            long address = call.getAsLong();
            calls.get(kind).increment();
            bytes.get(kind).add(size);
            return address;
        } catch (RuntimeException e) {
            errors.increment();
            throw e;
        }
    }

    PageHookStats snapshot() {
        return new PageHookStats(
                calls.get(PageCall.MAP).sum(),
                bytes.get(PageCall.MAP).sum(),
                calls.get(PageCall.UNMAP).sum(),
                bytes.get(PageCall.UNMAP).sum(),
                calls.get(PageCall.PURGE).sum(),
                bytes.get(PageCall.PURGE).sum(),
                calls.get(PageCall.HUGIFY).sum(),
                bytes.get(PageCall.HUGIFY).sum(),
                calls.get(PageCall.DEHUGIFY).sum(),
                bytes.get(PageCall.DEHUGIFY).sum(),
                collapses.sum(),
                collapseFailures.sum(),
                errors.sum());
    }
}
