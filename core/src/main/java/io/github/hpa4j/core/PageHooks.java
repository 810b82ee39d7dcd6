package io.github.hpa4j.core;

/**
 * The OS calls the allocator makes, as jemalloc's {@code hpa_hooks_t}. Addresses and sizes are in
 * bytes; every call is page-aligned and page-granular. A call that fails throws a
 * {@link PageOperationException}; policy code decides what a failure means (eden turns a failed map
 * into out-of-memory, the shard aborts a purge or hugify job and retries it later).
 *
 * <p>Implementations are called from one thread at a time per range, but different ranges may be
 * worked on concurrently (the page worker runs purges while the shard serves allocations).
 */
public interface PageHooks {
    /**
     * Maps {@code size} bytes aligned to {@link Pages#HUGEPAGE}; returns the address.
     *
     * @param size bytes, a page multiple
     * @return the mapping's address
     */
    long map(long size);

    /**
     * Gives the address range back to the OS.
     *
     * @param address the range's start, page-aligned
     * @param size    bytes, a page multiple
     */
    void unmap(long address, long size);

    /**
     * Gives the pages back to the OS: they read as zero afterwards.
     *
     * @param address the range's start, page-aligned
     * @param size    bytes, a page multiple
     */
    void purge(long address, long size);

    /**
     * Asks the OS to back the range with hugepages.
     *
     * @param address the range's start, page-aligned
     * @param size    bytes, a page multiple
     */
    void hugify(long address, long size);

    /**
     * Asks the OS not to back the range with hugepages, before purging part of it.
     *
     * @param address the range's start, page-aligned
     * @param size    bytes, a page multiple
     */
    void dehugify(long address, long size);
}
