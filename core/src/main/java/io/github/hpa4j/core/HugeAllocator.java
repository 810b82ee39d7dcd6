package io.github.hpa4j.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Address space in whole hugepages, never backed by the allocator itself: TCMalloc's
 * {@code HugeAllocator}. It maps from the OS at least {@code mapHugepages} at a time (mapping is
 * costly, address space plentiful, as eden argues), asks for hugepage backing on each mapping, and
 * keeps what is free best fit and coalesced. Every run it hands out reads as zero: it was never
 * touched, or {@link HugeCache} purged it before giving it back.
 */
final class HugeAllocator {
    private final PageHooks hooks;
    private final long mapHugepages;
    private final HugeRangeMap free = new HugeRangeMap();
    private final List<long[]> mappings = new ArrayList<>();
    private long mappedBytes;
    private long inUseHugepages;

    /** Maps at least {@code mapHugepages} hugepages at a time through {@code hooks}. */
    public HugeAllocator(PageHooks hooks, long mapHugepages) {
        if (mapHugepages < 1) {
            throw new IllegalArgumentException("must map at least one hugepage at a time, got " + mapHugepages);
        }
        this.hooks = hooks;
        this.mapHugepages = mapHugepages;
    }

    /**
     * HugeAllocator::Get: the address of {@code hugepages} free, unbacked hugepages. A failed map
     * throws {@link EdenExhaustedException} and changes nothing.
     */
    public long get(long hugepages) {
        long address = free.take(hugepages);
        if (address < 0) {
            long length = Math.max(hugepages, mapHugepages);
            long bytes = length * Pages.HUGEPAGE;
            long mapped;
            try {
                mapped = hooks.map(bytes);
            } catch (PageOperationException e) {
                throw new EdenExhaustedException(bytes, e);
            }
            if (!Pages.isHugepageAligned(mapped)) {
                throw new IllegalStateException(
                        "map returned 0x" + Long.toHexString(mapped) + ", not hugepage-aligned");
            }
            mappings.add(new long[] {mapped, bytes});
            mappedBytes += bytes;
            try {
                hooks.hugify(mapped, bytes);
            } catch (PageOperationException e) {
                // Only a hint: the range is still usable, just backed by small pages.
            }
            // The new mapping may coalesce with a free run before it, and best fit may then pick either.
            free.insert(mapped, length);
            address = free.take(hugepages);
            assert address >= 0;
        }
        inUseHugepages += hugepages;
        return address;
    }

    /** HugeAllocator::Release: hugepages that read as zero come back. */
    public void release(long address, long hugepages) {
        free.insert(address, hugepages);
        inUseHugepages -= hugepages;
    }

    /** Bytes mapped from the OS, ever (nothing is unmapped before {@link #destroy()}). */
    public long mappedBytes() {
        return mappedBytes;
    }

    /** Successful map calls. */
    public long mappings() {
        return mappings.size();
    }

    /** Hugepages mapped and free. */
    public long freeHugepages() {
        return free.hugepages();
    }

    /** Hugepages handed out and not released. */
    public long inUseHugepages() {
        return inUseHugepages;
    }

    /** Unmaps every mapping, in use or not; the allocator is unusable afterwards. */
    public void destroy() {
        for (long[] m : mappings) {
            hooks.unmap(m[0], m[1]);
        }
        mappings.clear();
    }
}
