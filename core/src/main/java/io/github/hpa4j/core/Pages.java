package io.github.hpa4j.core;

/**
 * The page geometry hpa4j is built for: jemalloc's LG_PAGE and HUGEPAGE, fixed at build time as
 * they are in jemalloc. The bridge refuses to run on a platform whose page or hugepage size differs.
 */
public final class Pages {
    public static final int LG_PAGE = 12;
    public static final long PAGE = 1L << LG_PAGE;
    public static final long PAGE_MASK = PAGE - 1;

    public static final int LG_HUGEPAGE = 21;
    public static final long HUGEPAGE = 1L << LG_HUGEPAGE;
    public static final long HUGEPAGE_MASK = HUGEPAGE - 1;
    /** Pages per hugepage: the number of bits in a slab's bitmaps. */
    public static final int HUGEPAGE_PAGES = (int) (HUGEPAGE >>> LG_PAGE);

    private Pages() {
    }

    public static boolean isPageAligned(long value) {
        return (value & PAGE_MASK) == 0;
    }

    public static boolean isHugepageAligned(long value) {
        return (value & HUGEPAGE_MASK) == 0;
    }

    /** HUGEPAGE_ADDR2BASE: the start of the hugepage holding {@code address}. */
    public static long hugepageBase(long address) {
        return address & ~HUGEPAGE_MASK;
    }

    /** PAGE_CEILING. */
    public static long pageCeiling(long size) {
        return (size + PAGE_MASK) & ~PAGE_MASK;
    }
}
