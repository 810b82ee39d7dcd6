package io.github.hpa4j.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Whole-page extents at increasing addresses, checked on return; fails once {@code failAfter} hits 0. */
final class FakePageSource implements PageExtentSource {
    private long next = 1L << 36;
    final Map<Long, Extent> live = new HashMap<>();
    final List<Extent> returned = new ArrayList<>();
    int failAfter = Integer.MAX_VALUE;

    @Override
    public Extent allocPages(long bytes) {
        if (failAfter-- <= 0) {
            throw new EdenExhaustedException(bytes, new PageOperationException("mmap", 0, bytes, "ENOMEM", "injected"));
        }
        Extent extent = new Extent(next, bytes, 0);
        // A gap page between extents, so an address past a slab's end is in no slab.
        next += bytes + Pages.PAGE;
        live.put(extent.address(), extent);
        return extent;
    }

    @Override
    public void freePages(Extent extent) {
        if (!extent.equals(live.remove(extent.address()))) {
            throw new AssertionError("returned an extent it was not given: " + extent);
        }
        returned.add(extent);
    }
}
