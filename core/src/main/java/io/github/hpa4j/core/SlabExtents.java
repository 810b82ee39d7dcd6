package io.github.hpa4j.core;

/**
 * A slab and the extents that start in it: the shard-local part of jemalloc's emap (which registers
 * each extent's boundary pages). {@code pagesAt[i]} is the length in pages of the live extent
 * starting at page {@code i}, or 0.
 */
final class SlabExtents {
    final PageSlab slab;
    private final short[] pagesAt = new short[Pages.HUGEPAGE_PAGES];

    SlabExtents(PageSlab slab) {
        this.slab = slab;
    }

    int pagesAt(int page) {
        return pagesAt[page];
    }

    void register(int page, int npages) {
        assert pagesAt[page] == 0;
        pagesAt[page] = (short) npages;
    }

    void deregister(int page) {
        assert pagesAt[page] != 0;
        pagesAt[page] = 0;
    }
}
