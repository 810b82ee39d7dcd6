package io.github.hpa4j.actors;

/**
 * How an allocation is to be made, beside its size (jemalloc's {@code mallocx} flags
 * {@code MALLOCX_ALIGN} and {@code MALLOCX_ZERO}).
 *
 * @param alignment the address is a multiple of it: a power of two, at most a hugepage (2 MiB). Every
 *                  allocation of a page or more is page-aligned, and every small one is aligned to
 *                  its class's lowest set bit, whatever is asked. A bad alignment is refused with an
 *                  {@link io.github.hpa4j.core.InvalidAlignmentException} when the request is made.
 * @param zeroed    whether the memory must read as zero. Only what may hold old data is cleared:
 *                  pages never touched or purged since are zero already.
 */
public record AllocationOptions(long alignment, boolean zeroed) {
    /** No alignment beyond the natural one, memory as it is: what {@code allocate(bytes)} makes. */
    public static final AllocationOptions DEFAULT = new AllocationOptions(1, false);

    /** {@link #DEFAULT}, zeroed. */
    public static final AllocationOptions ZEROED = new AllocationOptions(1, true);

    /**
     * Aligned to {@code alignment}, not zeroed.
     *
     * @param alignment a power of two, at most a hugepage
     * @return the options
     */
    public static AllocationOptions aligned(long alignment) {
        return new AllocationOptions(alignment, false);
    }

    /**
     * The same alignment, zeroed.
     *
     * @param value whether the memory must read as zero
     * @return the options
     */
    public AllocationOptions withZeroed(boolean value) {
        return new AllocationOptions(alignment, value);
    }

    /*
     * Whether allocate(bytes) serves it as well: no alignment asked for and memory as it is, as the
     * front cache's extents are. Any other alignment is checked by the shard, typed.
     */
    boolean plain() {
        return alignment == 1 && !zeroed;
    }
}
