package io.github.hpa4j.core;

/**
 * Layout of the {@code long} that {@link FlatBitmap}'s range searches return: a run of equal bits
 * {@code [begin, begin + length)}. jemalloc's {@code fb_*range_*iter} return a bool and write the
 * run through two out-pointers; Java has no out-parameters, and allocating a result object on every
 * search of a hot path would be worse than packing two ints into one primitive.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-------------------------------------------------------------+
 *  |0|                    begin (bits 62..32)                      |
 *  +-+-------------------------------------------------------------+
 *  |                      length (bits 31..0)                      |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>A found run has {@code begin >= 0}, so its top bit is clear and it can never equal
 * {@link #NONE} ({@code -1L}, which would decode as begin {@code -1}). Test for a run with
 * {@code range != BitRange.NONE} (or {@code range >= 0}) before decoding it.
 */
final class BitRange {
    /** Returned when a search finds no run. */
    public static final long NONE = -1L;

    private static final int BEGIN_SHIFT = Integer.SIZE;
    private static final long LENGTH_MASK = 0xFFFF_FFFFL;

    private BitRange() {}

    /** Packs the run {@code [begin, begin + length)}; both must be non-negative. */
    public static long of(int begin, int length) {
        assert begin >= 0 && length >= 0 : "begin " + begin + ", length " + length;
        return ((long) begin << BEGIN_SHIFT) | (length & LENGTH_MASK);
    }

    /** The first bit of the run. */
    public static int begin(long range) {
        return (int) (range >>> BEGIN_SHIFT);
    }

    /** The number of bits in the run. */
    public static int length(long range) {
        return (int) range;
    }

    /** One past the last bit of the run: {@code begin + length}. */
    public static int end(long range) {
        return begin(range) + length(range);
    }

    /** Renders a packed run for messages, e.g. {@code [3, 7)} or {@code NONE}. */
    public static String toString(long range) {
        return range == NONE ? "NONE" : "[" + begin(range) + ", " + end(range) + ")";
    }
}
