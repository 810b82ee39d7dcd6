package io.github.hpa4j.core;

/** Which layer serves a request; see {@link SizeRouter}. */
public enum SizeKind {
    /** A region of a bin slab ({@link SmallAllocator}). */
    SMALL,
    /** A page extent of an HPA {@link Shard}. */
    PAGES,
    /** Whole hugepages or a region packing ({@link LargeAllocator}). */
    LARGE
}
