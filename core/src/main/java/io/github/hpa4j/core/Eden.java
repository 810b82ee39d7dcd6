package io.github.hpa4j.core;

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
    private long eden;
    private long edenLength;
    private long ageCounter;
    private long mappedBytes;
    private long mappings;

    public Eden(PageHooks hooks) {
        this(hooks, DEFAULT_EDEN_HUGEPAGES);
    }

    public Eden(PageHooks hooks, int edenHugepages) {
        if (edenHugepages < 1) {
            throw new IllegalArgumentException("eden size must be at least one hugepage, got " + edenHugepages);
        }
        this.hooks = hooks;
        this.edenSize = edenHugepages * Pages.HUGEPAGE;
    }

    /**
     * hpa_central_extract: a fresh, empty slab. Throws {@link EdenExhaustedException} when the OS
     * refuses to map more; eden is unchanged then.
     */
    @Override
    public PageSlab extract() {
        // Is eden a perfect fit? Then hand out the last hugepage without mapping more.
        if (edenLength == Pages.HUGEPAGE) {
            PageSlab slab = new PageSlab(eden, ageCounter++);
            eden = 0;
            edenLength = 0;
            return slab;
        }
        if (edenLength == 0) {
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

    /** Bytes eden has mapped so far (slabs handed out plus what is left to carve). */
    public long mappedBytes() {
        return mappedBytes;
    }

    /** Number of map calls that succeeded. */
    public long mappings() {
        return mappings;
    }

    /** Bytes mapped but not yet carved into slabs. */
    public long remainingBytes() {
        return edenLength;
    }

    /** The age the next slab will get: the number of slabs extracted so far. */
    public long ageCounter() {
        return ageCounter;
    }

    /** Unmaps what is left of eden (at shutdown, after every shard unmapped its slabs). */
    public void destroy() {
        if (edenLength > 0) {
            hooks.unmap(eden, edenLength);
            eden = 0;
            edenLength = 0;
        }
    }
}
