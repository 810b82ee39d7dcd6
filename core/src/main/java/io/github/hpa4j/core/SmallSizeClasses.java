package io.github.hpa4j.core;

/**
 * The small size classes: a port of jemalloc's {@code sc.c} table and the {@code sz_size2index} /
 * {@code sz_index2size} lookups of {@code sz.h}, for lg_quantum 4 and lg_ngroup 2 (four classes per
 * doubling). The classes run 16, 32, 48, 64, 80, 96, 112, 128, 160, ... up to {@link #SMALL_MAX}.
 *
 * <p>The largest small class is jemalloc's {@code SC_SMALL_MAXCLASS} with 4 KiB pages, 14 KiB: the
 * last class whose spacing is below a page. Above it every class is a page multiple, which the HPA
 * serves with no rounding beyond the page, so a bin would only add its bitmap. Below it, the classes
 * above a page (5, 6, 7, 10, 12, 14 KiB) cut the page rounding waste of up to 37.5 % (5 KiB in two
 * pages) to at most 20 %, with slabs that waste nothing.
 *
 * <p>Divergence: jemalloc on x86-64 has a tiny 8-byte class below the quantum. hpa4j has none, so
 * every region is 16-byte aligned, the alignment a JVM user expects of any off-heap block.
 */
public final class SmallSizeClasses {
    /** LG_QUANTUM: the spacing of the first classes and the alignment of every region. */
    public static final int LG_QUANTUM = 4;
    /** The spacing of the first classes: 16 bytes. */
    public static final long QUANTUM = 1L << LG_QUANTUM;
    /** SC_LG_NGROUP: classes per doubling is {@code 1 << LG_NGROUP}. */
    public static final int LG_NGROUP = 2;
    /** Classes per doubling of the size. */
    public static final int NGROUP = 1 << LG_NGROUP;
    /** SC_SMALL_MAXCLASS for 4 KiB pages. */
    public static final long SMALL_MAX = 14 * 1024;
    /** SC_LOOKUP_MAXCLASS: sizes up to here are looked up in a table, as sz_size2index_lookup does. */
    public static final long LOOKUP_MAX = Pages.PAGE;

    private static final int[] SIZES;
    private static final int[] SLAB_PAGES;
    private static final byte[] LOOKUP;
    /** SC_NBINS: the number of small classes, one bin each. */
    public static final int NBINS;
    /** The most pages any class's slab takes (bounded by 2 * NGROUP - 1, as sc.c argues). */
    public static final int MAX_SLAB_PAGES;
    /** SLAB_MAXREGS: the most regions one slab holds (the 16-byte class in one page). */
    public static final int MAX_REGS;

    static {
        int[] sizes = new int[64];
        int n = 0;
        // The first (pseudo) group: base = delta = quantum, ndelta from 0.
        for (int ndelta = 0; ndelta < NGROUP; ndelta++) {
            sizes[n++] = (1 << LG_QUANTUM) + (ndelta << LG_QUANTUM);
        }
        // Every further group doubles the base and the delta.
        for (int lgBase = LG_QUANTUM + LG_NGROUP; ; lgBase++) {
            int lgDelta = lgBase - LG_NGROUP;
            boolean done = false;
            for (int ndelta = 1; ndelta <= NGROUP; ndelta++) {
                int size = (1 << lgBase) + (ndelta << lgDelta);
                if (size > SMALL_MAX) {
                    done = true;
                    break;
                }
                sizes[n++] = size;
            }
            if (done) {
                break;
            }
        }
        NBINS = n;
        SIZES = java.util.Arrays.copyOf(sizes, n);
        SLAB_PAGES = new int[n];
        int maxPages = 0;
        int maxRegs = 0;
        for (int i = 0; i < n; i++) {
            SLAB_PAGES[i] = slabSizeCompute(SIZES[i]);
            maxPages = Math.max(maxPages, SLAB_PAGES[i]);
            maxRegs = Math.max(maxRegs, (int) ((SLAB_PAGES[i] * Pages.PAGE) / SIZES[i]));
        }
        MAX_SLAB_PAGES = maxPages;
        MAX_REGS = maxRegs;
        LOOKUP = new byte[(int) (LOOKUP_MAX >>> LG_QUANTUM) + 1];
        for (int slot = 1; slot < LOOKUP.length; slot++) {
            LOOKUP[slot] = (byte) sizeToIndexCompute((long) slot << LG_QUANTUM);
        }
    }

    private SmallSizeClasses() {}

    /**
     * sc.c's slab_size: the smallest page multiple that is also a multiple of the region size (their
     * least common multiple), so a slab wastes nothing. Every class is {@code (NGROUP + ndelta) *
     * delta} with a delta of at most half a page, so the search ends within {@code 2 * NGROUP - 1}
     * pages.
     */
    static int slabSizeCompute(int regionSize) {
        long slab = Pages.PAGE;
        while (slab % regionSize != 0) {
            slab += Pages.PAGE;
        }
        return (int) (slab >>> Pages.LG_PAGE);
    }

    /**
     * {@return whether {@code size} bytes are served by a bin}
     *
     * @param size the size asked for
     */
    public static boolean isSmall(long size) {
        return size > 0 && size <= SMALL_MAX;
    }

    /**
     * sz_size2index: the class of a request of {@code size} bytes, in {@code (0, SMALL_MAX]};
     * {@link InvalidSizeException} otherwise.
     *
     * @param size the size asked for
     * @return the class index
     */
    public static int sizeToIndex(long size) {
        if (!isSmall(size)) {
            throw new InvalidSizeException(size, SMALL_MAX);
        }
        if (size <= LOOKUP_MAX) {
            return LOOKUP[(int) ((size + QUANTUM - 1) >>> LG_QUANTUM)];
        }
        return sizeToIndexCompute(size);
    }

    /** sz_size2index_compute without the tiny classes. */
    static int sizeToIndexCompute(long size) {
        assert size > 0 && size <= SMALL_MAX;
        int x = 63 - Long.numberOfLeadingZeros((size << 1) - 1); // lg_floor of the next power of two
        int shift = x < LG_NGROUP + LG_QUANTUM ? 0 : x - (LG_NGROUP + LG_QUANTUM);
        int grp = shift << LG_NGROUP;
        int lgDelta = x < LG_NGROUP + LG_QUANTUM + 1 ? LG_QUANTUM : x - LG_NGROUP - 1;
        long deltaInverseMask = -1L << lgDelta;
        int mod = (int) ((((size - 1) & deltaInverseMask) >>> lgDelta) & (NGROUP - 1));
        return grp + mod;
    }

    /**
     * sz_index2size: the region size of class {@code index}.
     *
     * @param index a class index
     * @return the region size, bytes
     */
    public static int indexToSize(int index) {
        return SIZES[index];
    }

    /** sz_index2size_compute without the tiny classes, to check the table against. */
    static long indexToSizeCompute(int index) {
        int grp = index >>> LG_NGROUP;
        int mod = index & (NGROUP - 1);
        long grpSize = grp == 0 ? 0 : (1L << (LG_QUANTUM + LG_NGROUP - 1)) << grp;
        int shift = grp == 0 ? 1 : grp;
        int lgDelta = shift + LG_QUANTUM - 1;
        return grpSize + ((long) (mod + 1) << lgDelta);
    }

    /**
     * sz_s2u for a small size: the usable size a request of {@code size} bytes gets.
     *
     * @param size the size asked for, small
     * @return the usable size, bytes
     */
    public static long usableSize(long size) {
        return indexToSize(sizeToIndex(size));
    }

    /**
     * The small part of sz_sa2u: the usable size for {@code size} bytes aligned to {@code alignment}
     * (a power of two), or -1 if no small class serves it. Rounding the size up to the alignment is
     * enough because every region of a class starts at a multiple of the lowest set bit of the class
     * size within a page-aligned slab, and that bit is at least the alignment once the size is a
     * multiple of it (within a page).
     *
     * @param size      the size asked for
     * @param alignment a power of two
     * @return the usable size, or -1
     */
    public static long alignedUsableSize(long size, long alignment) {
        assert Long.bitCount(alignment) == 1;
        if (size <= 0 || size > SMALL_MAX || alignment > Pages.PAGE) {
            return -1;
        }
        long aligned = (size + alignment - 1) & -alignment;
        return aligned <= SMALL_MAX ? usableSize(aligned) : -1;
    }

    /**
     * {@return the pages of one slab of class {@code index} (bin_info's slab_size)}
     *
     * @param index a class index
     */
    public static int slabPages(int index) {
        return SLAB_PAGES[index];
    }

    /**
     * {@return the regions of one slab of class {@code index} (bin_info's nregs)}
     *
     * @param index a class index
     */
    public static int regionsPerSlab(int index) {
        return (int) (((long) SLAB_PAGES[index] << Pages.LG_PAGE) / SIZES[index]);
    }
}
