package io.github.hpa4j.it.runner;

/** How much of every allocation the clients write after allocating and verify before freeing. */
public enum FillMode {
    /**
     * The first and last 8 bytes of every page: touches every page (so Rss is real) and catches
     * two allocations sharing a page, at a cost that does not drown the allocator's own.
     */
    WORDS,
    /** Every byte: a full-blown overlap and corruption check, at the cost of memory bandwidth. */
    FULL
}
