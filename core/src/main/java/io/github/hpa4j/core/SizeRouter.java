package io.github.hpa4j.core;

/**
 * Sends each request to the layer that serves it, as jemalloc's {@code arena_malloc} /
 * {@code sz_sa2u} choose between a bin, the page allocator and its large path:
 * <ul>
 *   <li>{@link SizeKind#SMALL} up to {@link SmallSizeClasses#SMALL_MAX} once rounded to the
 *   alignment, with the alignment at most a page (every region of such a class is aligned);
 *   <li>{@link SizeKind#PAGES} up to the shards' slab_max_alloc, alignment at most a page (hpa.c
 *   refuses more);
 *   <li>{@link SizeKind#LARGE} for the rest, up to the large allocator's maximum and for alignment
 *   up to a hugepage.
 * </ul>
 * Bad sizes and alignments are refused here, before any layer is touched.
 */
public final class SizeRouter {
    private final long slabMaxAlloc;
    private final long maxAlloc;
    private final long smallMax;

    /**
     * Routes with the shards' {@code slabMaxAlloc} and the large allocator's {@code maxAlloc}.
     *
     * @param slabMaxAlloc the largest extent a shard serves
     * @param maxAlloc     the largest allocation the large allocator serves
     */
    public SizeRouter(long slabMaxAlloc, long maxAlloc) {
        this(slabMaxAlloc, maxAlloc, SmallSizeClasses.SMALL_MAX);
    }

    /**
     * As above, with the small layer serving usable sizes up to {@code smallMax} only (at most
     * {@link SmallSizeClasses#SMALL_MAX}); larger small classes go to the pages layer instead.
     * {@link #BELOW_A_PAGE} keeps every page multiple on whole pages: an HPA extent of one to three
     * pages wastes nothing to rounding, needs no bin slab, and is served by the front's page bins.
     *
     * @param slabMaxAlloc the largest extent a shard serves
     * @param maxAlloc     the largest allocation the large allocator serves
     * @param smallMax     the largest usable size the small layer serves
     */
    public SizeRouter(long slabMaxAlloc, long maxAlloc, long smallMax) {
        if (smallMax < SmallSizeClasses.QUANTUM || smallMax > SmallSizeClasses.SMALL_MAX) {
            throw new IllegalArgumentException("small max " + smallMax + " must be in [" + SmallSizeClasses.QUANTUM
                    + ", " + SmallSizeClasses.SMALL_MAX + "]");
        }
        this.smallMax = smallMax;
        if (slabMaxAlloc < (long) SmallSizeClasses.MAX_SLAB_PAGES << Pages.LG_PAGE || maxAlloc < slabMaxAlloc) {
            throw new IllegalArgumentException("slab_max_alloc " + slabMaxAlloc + " must hold the largest bin slab and"
                    + " be at most the largest allocation " + maxAlloc);
        }
        this.slabMaxAlloc = slabMaxAlloc;
        this.maxAlloc = maxAlloc;
    }

    /** The largest small class below a page: every size from a page up is served as whole pages. */
    public static final long BELOW_A_PAGE = SmallSizeClasses.indexToSize(SmallSizeClasses.sizeToIndex(Pages.PAGE) - 1);

    /** {@return the largest usable size the small layer serves} */
    public long smallMax() {
        return smallMax;
    }

    /** {@return the largest servable size} */
    public long maxAlloc() {
        return maxAlloc;
    }

    /**
     * The layer for {@code bytes} at {@code alignment}; {@link InvalidSizeException} or
     * {@link InvalidAlignmentException} for requests no layer serves.
     *
     * @param bytes     the size asked for
     * @param alignment a power of two
     * @return the layer that serves the request
     */
    public SizeKind route(long bytes, long alignment) {
        InvalidAlignmentException.check(alignment);
        if (bytes <= 0 || bytes > maxAlloc) {
            throw new InvalidSizeException(bytes, maxAlloc);
        }
        long small = SmallSizeClasses.alignedUsableSize(bytes, alignment);
        if (small > 0 && small <= smallMax) {
            return SizeKind.SMALL;
        }
        if (alignment <= Pages.PAGE && bytes <= slabMaxAlloc) {
            return SizeKind.PAGES;
        }
        return SizeKind.LARGE;
    }

    /**
     * The size the request to give the small layer: {@code bytes} rounded up to the alignment, whose
     * class's regions are all aligned. Only for requests {@link #route} sends to SMALL.
     *
     * @param bytes     the size asked for
     * @param alignment a power of two
     * @return the size to ask the small layer for
     */
    public static long smallRequest(long bytes, long alignment) {
        return (bytes + alignment - 1) & -alignment;
    }
}
