package io.github.hpa4j.core;

import java.util.ArrayDeque;

/**
 * Where slabs come from: a port of jemalloc's {@code hpa_central_t} and
 * {@code hpa_central_extract}. Eden maps address space many hugepages at a time (jemalloc's
 * HPA_EDEN_SIZE is 128 hugepages, because mappings are costly and the address space is plentiful)
 * and carves one hugepage-aligned slab off the front per request.
 *
 * <p>Single-threaded: in hpa4j the eden actor's mailbox plays {@code central->grow_mtx}.
 */
public final class Eden implements SlabSource {
    /** jemalloc's HPA_EDEN_SIZE, in hugepages. */
    public static final int DEFAULT_EDEN_HUGEPAGES = 128;

    private final PageHooks hooks;
    private final long edenSize;
    /* No region is mapped once this much is: the address space eden reserves stays under it plus one region. */
    private final long reserveLimit;
    private long eden;
    private long edenLength;
    private long ageCounter;
    private long mappedBytes;
    private long mappings;
    /* Slabs shards gave back, empty and purged, handed out again before anything new is mapped. */
    private final ArrayDeque<Long> returned = new ArrayDeque<>();

    /**
     * An eden of the default size, with no bound on what it maps.
     *
     * @param hooks maps the regions eden carves slabs from
     */
    public Eden(PageHooks hooks) {
        this(hooks, DEFAULT_EDEN_HUGEPAGES);
    }

    /**
     * An eden mapping {@code edenHugepages} at a time, with no bound on what it maps.
     *
     * @param hooks         maps the regions eden carves slabs from
     * @param edenHugepages hugepages mapped at a time, at least 1
     */
    public Eden(PageHooks hooks, int edenHugepages) {
        this(hooks, edenHugepages, Long.MAX_VALUE);
    }

    /**
     * An eden that maps no further region once {@code reserveLimit} bytes are mapped (hpa4j sets it
     * to twice its memory budget), so that what it reserves stays below the limit plus one region.
     *
     * @param hooks         maps the regions eden carves slabs from
     * @param edenHugepages hugepages mapped at a time, at least 1
     * @param reserveLimit  bytes after which no further region is mapped
     */
    public Eden(PageHooks hooks, int edenHugepages, long reserveLimit) {
        if (edenHugepages < 1) {
            throw new IllegalArgumentException("eden size must be at least one hugepage, got " + edenHugepages);
        }
        this.hooks = hooks;
        this.edenSize = edenHugepages * Pages.HUGEPAGE;
        this.reserveLimit = reserveLimit;
    }

    /**
     * hpa_central_extract: a fresh, empty slab. Throws {@link EdenExhaustedException} when the OS
     * refuses to map more, {@link MemoryBudgetExceededException} past the reserve limit; eden is
     * unchanged then.
     */
    @Override
    public PageSlab extract() {
        if (!returned.isEmpty()) {
            return new PageSlab(returned.pop(), ageCounter++);
        }
        // Is eden a perfect fit? Then hand out the last hugepage without mapping more.
        if (edenLength == Pages.HUGEPAGE) {
            PageSlab slab = new PageSlab(eden, ageCounter++);
            eden = 0;
            edenLength = 0;
            return slab;
        }
        if (edenLength == 0) {
            if (mappedBytes >= reserveLimit) {
                throw MemoryBudgetExceededException.addressSpace(reserveLimit, mappedBytes);
            }
            long mapped;
            try {
                mapped = hooks.map(edenSize);
            } catch (PageOperationException e) {
                throw new EdenExhaustedException(edenSize, e);
            }
            assert Pages.isHugepageAligned(mapped);
            eden = mapped;
            edenLength = edenSize;
            mappedBytes += edenSize;
            mappings++;
            if (edenLength == Pages.HUGEPAGE) {
                return extract();
            }
        }
        assert edenLength > Pages.HUGEPAGE && edenLength % Pages.HUGEPAGE == 0;
        PageSlab slab = new PageSlab(eden, ageCounter++);
        eden += Pages.HUGEPAGE;
        edenLength -= Pages.HUGEPAGE;
        return slab;
    }

    /** {@return bytes eden has mapped so far (slabs handed out plus what is left to carve)} */
    public long mappedBytes() {
        return mappedBytes;
    }

    /** {@return number of map calls that succeeded} */
    public long mappings() {
        return mappings;
    }

    /** {@return bytes mapped but not yet carved into slabs, or given back by a shard} */
    public long remainingBytes() {
        return edenLength + returned.size() * Pages.HUGEPAGE;
    }

    /**
     * A shard gives back a slab it released ({@link Shard#releaseEmptySlabs()}): empty, every page
     * purged, still mapped. The next {@link #extract()} hands it out again.
     *
     * @param slab the released slab
     */
    public void giveBack(PageSlab slab) {
        if (!slab.empty() || slab.ntouched() != 0 || slab.inSet()) {
            throw new IllegalArgumentException(slab + " is not an empty, purged slab out of any shard");
        }
        returned.push(slab.address());
    }

    /** {@return the age the next slab will get: the number of slabs extracted so far} */
    public long ageCounter() {
        return ageCounter;
    }

    /** Unmaps what is left of eden (at shutdown, after every shard unmapped its slabs). */
    public void destroy() {
        while (!returned.isEmpty()) {
            hooks.unmap(returned.pop(), Pages.HUGEPAGE);
        }
        if (edenLength > 0) {
            hooks.unmap(eden, edenLength);
            eden = 0;
            edenLength = 0;
        }
    }
}
