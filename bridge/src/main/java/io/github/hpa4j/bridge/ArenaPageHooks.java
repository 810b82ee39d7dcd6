package io.github.hpa4j.bridge;

import io.github.hpa4j.bridge.PageHookCounters.PageCall;
import io.github.hpa4j.core.Pages;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Portable {@link io.github.hpa4j.core.PageHooks} for platforms without Linux THP: each map is its
 * own shared {@link Arena} (freed on unmap), so it works anywhere the JDK does and needs no native
 * access. The contract still holds: purge fills with zeros, so purged pages read zero (but stay
 * resident: the JDK cannot give pages back). Hugify and dehugify are counted no-ops.
 *
 * <p>Any page range inside one mapping can be unmapped, as with munmap (shards unmap their slabs
 * one by one, eden its remainder); the arena is closed once every page of it is unmapped. A range
 * outside every mapping, or unmapped already, is refused with {@link IllegalPageRangeException}.
 * Purge and (de)hugify must lie inside one mapping. Thread-safe.
 */
public final class ArenaPageHooks implements CountedPageHooks {
    /** Hooks with no mapping yet. */
    public ArenaPageHooks() {}

    /** One arena; {@code unmapped} has a bit per page already given back (guarded by the mapping). */
    private record Mapping(Arena arena, MemorySegment segment, BitSet unmapped) {
        int pages() {
            return (int) (segment.byteSize() >>> Pages.LG_PAGE);
        }
    }

    private final ConcurrentHashMap<Long, Mapping> mappings = new ConcurrentHashMap<>();
    private final PageHookCounters counters = new PageHookCounters();

    @Override
    public long map(long size) {
        return counters.map(size, () -> allocate(size));
    }

    /** Allocation zero-fills, so the whole mapping is resident at once (unlike mmap). */
    // The arena outlives this call on purpose: its Mapping owns it, and unmapping the last page closes it.
    @SuppressWarnings("MustBeClosedChecker")
    private long allocate(long size) {
        Arena arena = Arena.ofShared();
        MemorySegment segment;
        try {
            segment = arena.allocate(size, Pages.HUGEPAGE);
        } catch (OutOfMemoryError | IllegalArgumentException e) {
            arena.close();
            throw new IllegalPageRangeException("map", 0, size, "Arena.allocate failed: " + e);
        }
        mappings.put(segment.address(), new Mapping(arena, segment, new BitSet()));
        return segment.address();
    }

    @Override
    public void unmap(long address, long size) {
        counters.count(PageCall.UNMAP, address, size, () -> {
            Mapping mapping = mappingOf("unmap", address, size);
            int first = (int) ((address - mapping.segment().address()) >>> Pages.LG_PAGE);
            int last = first + (int) (size >>> Pages.LG_PAGE);
            synchronized (mapping) {
                int alreadyUnmapped = mapping.unmapped().nextSetBit(first);
                if (alreadyUnmapped >= 0 && alreadyUnmapped < last) {
                    throw new IllegalPageRangeException(
                            "unmap", address, size, "part of the range is unmapped already");
                }
                mapping.unmapped().set(first, last);
                if (mapping.unmapped().cardinality() == mapping.pages()
                        && mappings.remove(mapping.segment().address(), mapping)) {
                    mapping.arena().close();
                }
            }
        });
    }

    @Override
    public void purge(long address, long size) {
        counters.count(
                PageCall.PURGE,
                address,
                size,
                () -> slice("purge", address, size).fill((byte) 0));
    }

    @Override
    public void hugify(long address, long size) {
        counters.count(PageCall.HUGIFY, address, size, () -> slice("hugify", address, size));
    }

    @Override
    public void dehugify(long address, long size) {
        counters.count(PageCall.DEHUGIFY, address, size, () -> slice("dehugify", address, size));
    }

    /** The part of the one mapping holding {@code [address, address + size)}; refused otherwise. */
    private MemorySegment slice(String operation, long address, long size) {
        Mapping mapping = mappingOf(operation, address, size);
        long offset = address - mapping.segment().address();
        synchronized (mapping) {
            int first = (int) (offset >>> Pages.LG_PAGE);
            int unmapped = mapping.unmapped().nextSetBit(first);
            if (unmapped >= 0 && unmapped < first + (int) (size >>> Pages.LG_PAGE)) {
                throw new IllegalPageRangeException(operation, address, size, "part of the range is unmapped");
            }
        }
        return mapping.segment().asSlice(offset, size);
    }

    private Mapping mappingOf(String operation, long address, long size) {
        // Linear scan: the fallback is for correctness on odd platforms, not speed.
        for (Mapping m : mappings.values()) {
            long base = m.segment().address();
            if (address >= base && address + size <= base + m.segment().byteSize()) {
                return m;
            }
        }
        throw new IllegalPageRangeException(operation, address, size, "not inside a mapping made by these hooks");
    }

    @Override
    public PageHookStats stats() {
        return counters.snapshot();
    }

    @Override
    public boolean backsHugepages() {
        return false;
    }

    @Override
    public String toString() {
        return "ArenaPageHooks[" + mappings.size() + " mappings]";
    }
}
