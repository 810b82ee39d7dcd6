package io.github.hpa4j.core;

/**
 * The page geometry hpa4j is built for: jemalloc's LG_PAGE and HUGEPAGE, fixed at build time as
 * they are in jemalloc. The bridge refuses to run on a platform whose page or hugepage size differs.
 */
public final class Pages {
    /** log2 of {@link #PAGE}. */
    public static final int LG_PAGE = 12;
    /** The page size: 4 KiB. */
    public static final long PAGE = 1L << LG_PAGE;
    /** The offset bits of an address within its page. */
    public static final long PAGE_MASK = PAGE - 1;

    /** log2 of {@link #HUGEPAGE}. */
    public static final int LG_HUGEPAGE = 21;
    /** The hugepage size: 2 MiB, a slab's size. */
    public static final long HUGEPAGE = 1L << LG_HUGEPAGE;
    /** The offset bits of an address within its hugepage. */
    public static final long HUGEPAGE_MASK = HUGEPAGE - 1;
    /** Pages per hugepage: the number of bits in a slab's bitmaps. */
    public static final int HUGEPAGE_PAGES = (int) (HUGEPAGE >>> LG_PAGE);

    private Pages() {}

    /**
     * {@return whether {@code value} is a multiple of {@link #PAGE}}
     *
     * @param value an address or a size
     */
    public static boolean isPageAligned(long value) {
        return (value & PAGE_MASK) == 0;
    }

    /**
     * {@return whether {@code value} is a multiple of {@link #HUGEPAGE}}
     *
     * @param value an address or a size
     */
    public static boolean isHugepageAligned(long value) {
        return (value & HUGEPAGE_MASK) == 0;
    }

    /**
     * HUGEPAGE_ADDR2BASE: the start of the hugepage holding {@code address}.
     *
     * @param address any address
     * @return the hugepage's start
     */
    public static long hugepageBase(long address) {
        return address & ~HUGEPAGE_MASK;
    }

    /**
     * PAGE_CEILING.
     *
     * @param size bytes, not negative
     * @return {@code size} rounded up to a page multiple
     */
    public static long pageCeiling(long size) {
        return (size + PAGE_MASK) & ~PAGE_MASK;
    }
}
