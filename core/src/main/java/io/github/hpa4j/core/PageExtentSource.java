package io.github.hpa4j.core;

/**
 * Where bin slabs come from and go back to: whole-page extents, as jemalloc's arena takes a slab
 * from its page allocator ({@code pa_alloc}) and gives an empty one back ({@code pa_dalloc}).
 * {@link ShardPageSource} serves it from a {@link Shard}; tests use fakes.
 */
interface PageExtentSource {
    /**
     * A page-aligned extent of {@code bytes}, a page multiple; throws an {@link AllocatorException}
     * when no memory can be had.
     */
    Extent allocPages(long bytes);

    /** Gives back an extent {@link #allocPages} returned, so its pages can be purged. */
    void freePages(Extent extent);
}
