package io.github.hpa4j.core;

/**
 * The page size classes that psset bins slabs by. Port of the page-size ("psz") half of jemalloc's
 * {@code sz.h} / {@code sz.c}: {@code sz_psz2ind}, {@code sz_pind2sz}, {@code sz_psz2u},
 * {@code sz_psz_quantize_floor} and {@code sz_psz_quantize_ceil}, with the {@code SC_*} constants
 * they need fixed as jemalloc's defaults ({@code SC_LG_NGROUP = 2}, {@code LG_PAGE} from
 * {@link Pages}).
 *
 * <p>The classes grow geometrically with four classes per doubling. The first group is four
 * page-spaced classes; after that, group {@code g >= 1} covers {@code (2^(13+g), 2^(14+g)]} bytes in
 * four steps of {@code 2^(11+g)}:
 *
 * <pre>
 *   index  0- 3:   4,   8,  12,  16 KiB   (step  4 KiB)
 *   index  4- 7:  20,  24,  28,  32 KiB   (step  4 KiB)
 *   index  8-11:  40,  48,  56,  64 KiB   (step  8 KiB)
 *   index 12-15:  80,  96, 112, 128 KiB   (step 16 KiB)
 *   ...
 *   index 28-31: 1.25, 1.5, 1.75, 2 MiB   (HUGEPAGE is class 31)
 *   ...
 *   index 60-63: 320, 384, 448, 512 MiB   (the last of the {@value #NPSIZES} classes)
 * </pre>
 *
 * <p>Bucketing by these classes rather than by exact page count keeps psset's bin count small
 * (only the first 32 are ever used for a 2 MiB slab) while still separating slabs whose longest
 * free ranges differ by a large factor. jemalloc computes these up to its largest size class and
 * returns {@code SC_NPSIZES} beyond it; hpa4j stops at {@value #NPSIZES} classes (psset's
 * {@code PSSET_NPSIZES}) and throws {@link IllegalArgumentException} for larger sizes.
 *
 * <p>Divergence: jemalloc's quantize functions add {@code sz_large_pad}, which is one page when
 * {@code opt.cache_oblivious} is on. hpa4j has no large-extent padding, so quantization here is
 * jemalloc's with {@code sz_large_pad == 0}: exactly "largest class {@code <=} size" and "smallest
 * class {@code >=} size".
 */
public final class PageSizeClasses {
    private static final int LG_PAGE = Pages.LG_PAGE;

    /** {@code SC_LG_NGROUP}: log2 of the number of classes per doubling. */
    public static final int LG_NGROUP = 2;
    /** {@code SC_NGROUP}: classes per doubling. */
    public static final int NGROUP = 1 << LG_NGROUP;
    /** The number of classes, psset's {@code PSSET_NPSIZES}. */
    public static final int NPSIZES = 64;
    /** The largest class, {@code pind2sz(NPSIZES - 1)}: 512 MiB. */
    public static final long MAX_SIZE = pind2szUnchecked(NPSIZES - 1);

    private PageSizeClasses() {}

    /**
     * {@code sz_psz2ind}: the index of the smallest class {@code >= psz}. {@code psz} need not be
     * a page multiple (it rounds up), but must be in {@code (0, MAX_SIZE]}.
     *
     * @param psz a size in bytes
     * @return the class index
     */
    public static int psz2ind(long psz) {
        checkSize(psz);
        return psz2indUnchecked(psz);
    }

    /**
     * {@code sz_pind2sz}: the size in bytes of class {@code pind}, for {@code 0 <= pind < 64}.
     *
     * @param pind a class index
     * @return the class size, bytes
     */
    public static long pind2sz(int pind) {
        if (pind < 0 || pind >= NPSIZES) {
            throw new IllegalArgumentException("page size class index out of [0, " + NPSIZES + "): " + pind);
        }
        return pind2szUnchecked(pind);
    }

    /**
     * {@code sz_psz2u}: {@code psz} rounded up to its class, for {@code psz} in {@code (0, MAX_SIZE]}.
     *
     * @param psz a size in bytes
     * @return the class size, bytes
     */
    public static long psz2u(long psz) {
        checkSize(psz);
        // lg_floor(2 * psz - 1) is lg_ceil(psz): the doubling psz falls in decides the step.
        int x = 63 - Long.numberOfLeadingZeros((psz << 1) - 1);
        int lgDelta = x < LG_NGROUP + LG_PAGE + 1 ? LG_PAGE : x - LG_NGROUP - 1;
        long deltaMask = (1L << lgDelta) - 1;
        return (psz + deltaMask) & ~deltaMask;
    }

    /**
     * {@code sz_psz_quantize_floor}: the largest class {@code <= size}. {@code size} must be a
     * positive page multiple no larger than {@link #MAX_SIZE}. psset files a slab under
     * {@code psz2ind(quantizeFloor(longest free range))}, so every slab in a bin can serve any
     * request of that bin's class.
     *
     * @param size a page multiple
     * @return the class size, bytes
     */
    public static long quantizeFloor(long size) {
        checkPageMultiple(size);
        int pind = psz2indUnchecked(size + 1);
        if (pind == 0) {
            // Only a one-page size lands here, and it is a class itself; stepping down one class
            // would underflow.
            return size;
        }
        return pind2szUnchecked(pind - 1);
    }

    /**
     * {@code sz_psz_quantize_ceil}: the smallest class {@code >= size}, for a positive page
     * multiple no larger than {@link #MAX_SIZE}. psset starts its search for a request at
     * {@code psz2ind(quantizeCeil(size))}, the first bin all of whose slabs fit the request.
     *
     * @param size a page multiple
     * @return the class size, bytes
     */
    public static long quantizeCeil(long size) {
        long floor = quantizeFloor(size);
        if (floor < size) {
            // size is between classes: skip to the next class up. jemalloc notes this may pass
            // over a bin holding a large-enough slab, since that bin mixes in smaller ones; only
            // unusual sizes (aligned requests) pay for that.
            return pind2szUnchecked(psz2indUnchecked(floor + 1));
        }
        return floor;
    }

    /**
     * The formula of {@code sz_psz2ind}. Write {@code psz - 1} in binary: its top bit picks the
     * group, the {@link #LG_NGROUP} bits below it pick the class within the group, and the
     * {@code lgDelta} bits under those are the remainder that rounds up. Returns {@link #NPSIZES}
     * for sizes just above {@link #MAX_SIZE}, which quantizeFloor relies on.
     */
    private static int psz2indUnchecked(long psz) {
        // lg_ceil(psz).
        int x = Long.SIZE - Long.numberOfLeadingZeros(psz - 1);
        // Groups from the first regular one (which ends at PAGE * NGROUP * 2), counted from 1;
        // everything up to PAGE * NGROUP is group 0.
        int group = x < LG_NGROUP + LG_PAGE ? 0 : x - (LG_NGROUP + LG_PAGE);
        // Group 0 and group 1 both step by one page; each later group doubles the step.
        int lgDelta = group == 0 ? LG_PAGE : LG_PAGE + group - 1;
        int inGroup = (int) (((psz - 1) >>> lgDelta) & (NGROUP - 1));
        return (group << LG_NGROUP) + inGroup;
    }

    /** The formula of {@code sz_pind2sz_compute}: a group base plus (1..4) steps. */
    private static long pind2szUnchecked(int pind) {
        int group = pind >>> LG_NGROUP;
        int inGroup = pind & (NGROUP - 1);
        long groupBase = group == 0 ? 0 : (1L << (LG_PAGE + LG_NGROUP - 1)) << group;
        int lgDelta = (group == 0 ? 1 : group) + LG_PAGE - 1;
        return groupBase + ((long) (inGroup + 1) << lgDelta);
    }

    private static void checkSize(long psz) {
        if (psz <= 0 || psz > MAX_SIZE) {
            throw new IllegalArgumentException("page size out of (0, " + MAX_SIZE + "]: " + psz);
        }
    }

    private static void checkPageMultiple(long size) {
        checkSize(size);
        if (!Pages.isPageAligned(size)) {
            throw new IllegalArgumentException("size is not a multiple of " + Pages.PAGE + ": " + size);
        }
    }
}
