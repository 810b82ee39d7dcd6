package io.github.hpa4j.actors;

import io.github.hpa4j.bridge.AddressRange;
import io.github.hpa4j.core.ForwardingPageHooks;
import io.github.hpa4j.core.PageHooks;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Page hooks that remember the regions eden mapped, so that smaps can be read for the allocator's
 * own memory only. Regions are few (one per eden refill), so a copy-on-write list is cheap.
 */
final class MappedRegions extends ForwardingPageHooks {
    private final List<AddressRange> regions = new CopyOnWriteArrayList<>();

    MappedRegions(PageHooks delegate) {
        super(delegate);
    }

    /** Address space mapped so far; slabs unmapped at shutdown are not subtracted. */
    long mappedBytes() {
        long bytes = 0;
        for (AddressRange region : regions) {
            bytes += region.size();
        }
        return bytes;
    }

    List<AddressRange> regions() {
        return List.copyOf(regions);
    }

    @Override
    public long map(long size) {
        long address = super.map(size);
        regions.add(new AddressRange(address, size));
        return address;
    }
}
