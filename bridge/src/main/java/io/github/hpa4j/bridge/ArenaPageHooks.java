package io.github.hpa4j.bridge;

import io.github.hpa4j.core.Pages;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Portable {@link io.github.hpa4j.core.PageHooks} for platforms without Linux THP: each map is its
 * own shared {@link Arena} (freed on unmap), so it works anywhere the JDK does and needs no native
 * access. The contract still holds: purge fills with zeros, so purged pages read zero (but stay
 * resident: the JDK cannot give pages back). Hugify and dehugify are counted no-ops.
 *
 * <p>Only whole mappings can be unmapped; a partial or unknown range is refused with
 * {@link IllegalPageRangeException} (jemalloc's HPA only unmaps whole regions). Purge and (de)hugify
 * must lie inside one mapping. Thread-safe.
 */
public final class ArenaPageHooks implements CountedPageHooks {
    private record Mapping(Arena arena, MemorySegment segment) {
    }

    private final ConcurrentHashMap<Long, Mapping> mappings = new ConcurrentHashMap<>();
    private final PageHookCounters counters = new PageHookCounters();

    /** Allocation zero-fills, so the whole mapping is resident at once (unlike mmap). */
    @Override
    public long map(long size) {
        try {
            PageRanges.checkMapSize(size);
            Arena arena = Arena.ofShared();
            MemorySegment segment;
            try {
                segment = arena.allocate(size, Pages.HUGEPAGE);
            } catch (OutOfMemoryError | IllegalArgumentException e) {
                arena.close();
                throw new IllegalPageRangeException("map", 0, size, "Arena.allocate failed: " + e);
            }
            mappings.put(segment.address(), new Mapping(arena, segment));
            PageHookCounters.add(counters.mapCalls, counters.mapBytes, size);
            return segment.address();
        } catch (RuntimeException e) {
            counters.errors.increment();
            throw e;
        }
    }

    @Override
    public void unmap(long address, long size) {
        try {
            PageRanges.checkRange("unmap", address, size);
            Mapping mapping = mappings.get(address);
            if (mapping == null || mapping.segment().byteSize() != size) {
                throw new IllegalPageRangeException("unmap", address, size, "not a whole mapping made by these hooks");
            }
            if (mappings.remove(address, mapping)) {
                mapping.arena().close();
            }
            PageHookCounters.add(counters.unmapCalls, counters.unmapBytes, size);
        } catch (RuntimeException e) {
            counters.errors.increment();
            throw e;
        }
    }

    @Override
    public void purge(long address, long size) {
        try {
            PageRanges.checkRange("purge", address, size);
            slice("purge", address, size).fill((byte) 0);
            PageHookCounters.add(counters.purgeCalls, counters.purgeBytes, size);
        } catch (RuntimeException e) {
            counters.errors.increment();
            throw e;
        }
    }

    @Override
    public void hugify(long address, long size) {
        try {
            PageRanges.checkRange("hugify", address, size);
            slice("hugify", address, size);
            PageHookCounters.add(counters.hugifyCalls, counters.hugifyBytes, size);
        } catch (RuntimeException e) {
            counters.errors.increment();
            throw e;
        }
    }

    @Override
    public void dehugify(long address, long size) {
        try {
            PageRanges.checkRange("dehugify", address, size);
            slice("dehugify", address, size);
            PageHookCounters.add(counters.dehugifyCalls, counters.dehugifyBytes, size);
        } catch (RuntimeException e) {
            counters.errors.increment();
            throw e;
        }
    }

    /** The part of the one mapping holding {@code [address, address + size)}; refused otherwise. */
    private MemorySegment slice(String operation, long address, long size) {
        // Linear scan: the fallback is for correctness on odd platforms, not speed.
        for (Mapping m : mappings.values()) {
            long base = m.segment().address();
            if (address >= base && address + size <= base + m.segment().byteSize()) {
                return m.segment().asSlice(address - base, size);
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
