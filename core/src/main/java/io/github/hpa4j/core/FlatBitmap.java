package io.github.hpa4j.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * A fixed-size bitmap with forward and backward searches for both set and unset bits. Port of
 * jemalloc's {@code fb.h} (the "flat bitmap"), which hpdata uses for its active-page and
 * touched-page maps and psset uses to find its lowest non-empty bin.
 *
 * <p>Unlike jemalloc's tree bitmap, every operation here is linear in the number of 64-bit words,
 * which is the right trade for the small sizes hpa uses (512 bits per hugepage slab) and is what
 * buys the richer API. A new bitmap has every bit unset.
 *
 * <p>Invariant: the padding bits of the last word (positions {@code >= size()}) are always zero.
 * The searches for unset bits rely on it to clamp their answer to {@link #size()}, and {@link
 * #isFull()}, {@link #equals(Object)} and {@link #not(FlatBitmap)} keep it. (Divergence:
 * jemalloc's {@code fb_bit_not} flips the padding too, which {@code fb_full} and a forward search
 * for set bits would then misread; the port masks it off.)
 *
 * <p>Naming: jemalloc's {@code fb_ffs} finds a <em>set</em> bit and {@code fb_ffu} an
 * <em>unset</em> one, whatever the comments above them in fb.h say (they are swapped);
 * {@link #findFirstSet(int)} and {@link #findFirstUnset(int)} follow the code and test/fb.c.
 *
 * <p>Bounds are always checked (an out-of-range bit throws {@link IndexOutOfBoundsException});
 * fb.h's "count must be positive" precondition is an {@code assert}, and a zero count is a harmless
 * no-op when assertions are off. Not thread-safe: a bitmap belongs to one slab, which belongs to
 * one shard.
 */
final class FlatBitmap {
    private static final int LG_WORD_BITS = 6;
    private static final int WORD_BITS = 1 << LG_WORD_BITS;
    private static final int BIT_MASK = WORD_BITS - 1;
    private static final long ALL = -1L;

    private final int nbits;
    private final long[] words;

    /** Creates a bitmap of {@code nbits} bits, all unset ({@code fb_init}). */
    public FlatBitmap(int nbits) {
        if (nbits <= 0) {
            throw new IllegalArgumentException("nbits must be positive: " + nbits);
        }
        this.nbits = nbits;
        this.words = new long[(nbits + BIT_MASK) >>> LG_WORD_BITS];
    }

    /** The number of bits, fixed at construction. */
    public int size() {
        return nbits;
    }

    /** Unsets every bit ({@code fb_init}). */
    public void clear() {
        Arrays.fill(words, 0L);
    }

    /** Whether no bit is set ({@code fb_empty}). */
    public boolean isEmpty() {
        for (long word : words) {
            if (word != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether every bit is set ({@code fb_full}). */
    public boolean isFull() {
        int last = words.length - 1;
        for (int i = 0; i < last; i++) {
            if (words[i] != ALL) {
                return false;
            }
        }
        return words[last] == lastWordMask();
    }

    public boolean get(int bit) {
        Objects.checkIndex(bit, nbits);
        return (words[bit >>> LG_WORD_BITS] & (1L << bit)) != 0;
    }

    public void set(int bit) {
        Objects.checkIndex(bit, nbits);
        // Java masks a long shift distance to its low 6 bits, so 1L << bit == 1L << (bit % 64).
        words[bit >>> LG_WORD_BITS] |= 1L << bit;
    }

    public void unset(int bit) {
        Objects.checkIndex(bit, nbits);
        words[bit >>> LG_WORD_BITS] &= ~(1L << bit);
    }

    /** Sets bits {@code [start, start + count)} ({@code fb_set_range}); {@code count > 0}. */
    public void setRange(int start, int count) {
        assignRange(start, count, true);
    }

    /** Unsets bits {@code [start, start + count)} ({@code fb_unset_range}); {@code count > 0}. */
    public void unsetRange(int start, int count) {
        assignRange(start, count, false);
    }

    /** The number of set bits in {@code [start, start + count)} ({@code fb_scount}). */
    public int countSet(int start, int count) {
        assert count > 0 : "count must be positive: " + count;
        Objects.checkFromIndexSize(start, count, nbits);
        if (count == 0) {
            return 0;
        }
        int first = start >>> LG_WORD_BITS;
        int last = (start + count - 1) >>> LG_WORD_BITS;
        long firstMask = ALL << start;
        long lastMask = ALL >>> (BIT_MASK - ((start + count - 1) & BIT_MASK));
        if (first == last) {
            return Long.bitCount(words[first] & firstMask & lastMask);
        }
        int total = Long.bitCount(words[first] & firstMask);
        for (int i = first + 1; i < last; i++) {
            total += Long.bitCount(words[i]);
        }
        return total + Long.bitCount(words[last] & lastMask);
    }

    /** The number of unset bits in {@code [start, start + count)} ({@code fb_ucount}). */
    public int countUnset(int start, int count) {
        return count - countSet(start, count);
    }

    /**
     * The first set bit at or after {@code minBit}, or {@link #size()} if there is none
     * ({@code fb_ffs}). {@code minBit} may be {@code size()} (answer {@code size()}), which lets a
     * caller step past the last bit without a special case.
     */
    public int findFirstSet(int minBit) {
        return findForward(minBit, 0L);
    }

    /** The first unset bit at or after {@code minBit}, or {@link #size()} ({@code fb_ffu}). */
    public int findFirstUnset(int minBit) {
        return findForward(minBit, ALL);
    }

    /**
     * The last set bit at or before {@code maxBit}, or {@code -1} if there is none
     * ({@code fb_fls}). {@code maxBit} may be {@code -1} (answer {@code -1}).
     */
    public int findLastSet(int maxBit) {
        return findBackward(maxBit, 0L);
    }

    /** The last unset bit at or before {@code maxBit}, or {@code -1} ({@code fb_flu}). */
    public int findLastUnset(int maxBit) {
        return findBackward(maxBit, ALL);
    }

    /**
     * The first run of set bits that begins at or after {@code start} (a run that {@code start}
     * falls inside is cut to begin at {@code start}), packed as a {@link BitRange}, or {@link
     * BitRange#NONE} ({@code fb_srange_iter}). To walk every run, continue from
     * {@link BitRange#end(long)}; {@code start} may be {@link #size()}.
     */
    public long nextSetRange(int start) {
        return nextRange(start, 0L);
    }

    /**
     * Searching backwards from {@code start}: the run of set bits that ends at or before
     * {@code start} (a run that {@code start} falls inside is cut to end at {@code start}), or
     * {@link BitRange#NONE} ({@code fb_srange_riter}). The result still names the run by its
     * lowest bit. To walk runs downwards, continue from {@code begin - 1}; {@code start} may be
     * {@code -1}.
     */
    public long prevSetRange(int start) {
        return prevRange(start, 0L);
    }

    /** As {@link #nextSetRange(int)}, for runs of unset bits ({@code fb_urange_iter}). */
    public long nextUnsetRange(int start) {
        return nextRange(start, ALL);
    }

    /** As {@link #prevSetRange(int)}, for runs of unset bits ({@code fb_urange_riter}). */
    public long prevUnsetRange(int start) {
        return prevRange(start, ALL);
    }

    /** The length of the longest run of set bits, 0 if none ({@code fb_srange_longest}). */
    public int longestSetRange() {
        return longestRange(0L);
    }

    /**
     * The length of the longest run of unset bits, 0 if none ({@code fb_urange_longest}). For a
     * slab's active-page map this is its longest free range, the key psset files it under.
     */
    public int longestUnsetRange() {
        return longestRange(ALL);
    }

    /** {@code this = a & b} ({@code fb_bit_and}); either source may be {@code this}. */
    public void and(FlatBitmap a, FlatBitmap b) {
        requireSameSize(a);
        requireSameSize(b);
        for (int i = 0; i < words.length; i++) {
            words[i] = a.words[i] & b.words[i];
        }
    }

    /** {@code this = a | b} ({@code fb_bit_or}); either source may be {@code this}. */
    public void or(FlatBitmap a, FlatBitmap b) {
        requireSameSize(a);
        requireSameSize(b);
        for (int i = 0; i < words.length; i++) {
            words[i] = a.words[i] | b.words[i];
        }
    }

    /** {@code this = ~src} ({@code fb_bit_not}), leaving the padding beyond {@link #size()} zero. */
    public void not(FlatBitmap src) {
        requireSameSize(src);
        for (int i = 0; i < words.length; i++) {
            words[i] = ~src.words[i];
        }
        words[words.length - 1] &= lastWordMask();
    }

    /** Makes this bitmap a copy of {@code src}, which must have the same size. */
    public void copyFrom(FlatBitmap src) {
        requireSameSize(src);
        System.arraycopy(src.words, 0, words, 0, words.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlatBitmap other && nbits == other.nbits && Arrays.equals(words, other.words);
    }

    @Override
    public int hashCode() {
        return 31 * nbits + Arrays.hashCode(words);
    }

    /** The size and the runs of set bits, e.g. {@code FlatBitmap[100]{0-29, 35, 40-41}}. */
    @Override
    public String toString() {
        StringBuilder sb =
                new StringBuilder().append("FlatBitmap[").append(nbits).append("]{");
        String separator = "";
        for (long r = nextSetRange(0); r != BitRange.NONE; r = nextSetRange(BitRange.end(r))) {
            sb.append(separator).append(BitRange.begin(r));
            if (BitRange.length(r) > 1) {
                sb.append('-').append(BitRange.end(r) - 1);
            }
            separator = ", ";
        }
        return sb.append('}').toString();
    }

    /**
     * The bits of the last word that lie inside the bitmap. {@code ALL >>> -nbits} is
     * {@code ALL >>> (64 - nbits % 64)}, and is all ones when {@code nbits} is a multiple of 64.
     */
    private long lastWordMask() {
        return ALL >>> -nbits;
    }

    private void requireSameSize(FlatBitmap other) {
        if (other.nbits != nbits) {
            throw new IllegalArgumentException("size mismatch: " + other.nbits + " != " + nbits);
        }
    }

    /**
     * fb_visit_impl with the assign visitor: the first and last words are touched only under a
     * mask, the words in between are overwritten whole.
     */
    private void assignRange(int start, int count, boolean value) {
        assert count > 0 : "count must be positive: " + count;
        Objects.checkFromIndexSize(start, count, nbits);
        if (count == 0) {
            // Without this, the masks below would cover a whole word when asserts are off.
            return;
        }
        int first = start >>> LG_WORD_BITS;
        int last = (start + count - 1) >>> LG_WORD_BITS;
        long firstMask = ALL << start;
        long lastMask = ALL >>> (BIT_MASK - ((start + count - 1) & BIT_MASK));
        if (first == last) {
            assignMasked(first, firstMask & lastMask, value);
            return;
        }
        assignMasked(first, firstMask, value);
        Arrays.fill(words, first + 1, last, value ? ALL : 0L);
        assignMasked(last, lastMask, value);
    }

    private void assignMasked(int word, long mask, boolean value) {
        if (value) {
            words[word] |= mask;
        } else {
            words[word] &= ~mask;
        }
    }

    /**
     * fb_find_impl, forwards. {@code invert} is 0 to look for set bits and all ones to look for
     * unset bits, so each word is searched for ones after one XOR.
     */
    private int findForward(int minBit, long invert) {
        Objects.checkIndex(minBit, nbits + 1);
        if (minBit == nbits) {
            return nbits;
        }
        int i = minBit >>> LG_WORD_BITS;
        long word = (words[i] ^ invert) & (ALL << minBit);
        while (word == 0) {
            if (++i == words.length) {
                return nbits;
            }
            word = words[i] ^ invert;
        }
        // When looking for unset bits, the zero padding of the last word matches too. That needs
        // no clamp (fb.h has one that never fires): the lowest padding bit is bit nbits, which is
        // exactly the "none found" answer.
        return (i << LG_WORD_BITS) + Long.numberOfTrailingZeros(word);
    }

    /** fb_find_impl, backwards; padding bits lie above {@code maxBit} and are masked off. */
    private int findBackward(int maxBit, long invert) {
        if (maxBit < -1 || maxBit >= nbits) {
            throw new IndexOutOfBoundsException("maxBit " + maxBit + " out of bounds [-1, " + nbits + ")");
        }
        if (maxBit < 0) {
            return -1;
        }
        int i = maxBit >>> LG_WORD_BITS;
        // Keep bits 0..maxBit % 64. (1L << (maxBit + 1)) - 1 would be wrong for maxBit % 64 == 63,
        // which is why fb.h writes (2 << bit) - 1; a logical right shift needs no such trick.
        long word = (words[i] ^ invert) & (ALL >>> (BIT_MASK - (maxBit & BIT_MASK)));
        while (word == 0) {
            if (--i < 0) {
                return -1;
            }
            word = words[i] ^ invert;
        }
        return (i << LG_WORD_BITS) + BIT_MASK - Long.numberOfLeadingZeros(word);
    }

    /** fb_iter_range_impl, forwards: the run starts at the first match and ends at a mismatch. */
    private long nextRange(int start, long invert) {
        int begin = findForward(start, invert);
        if (begin == nbits) {
            return BitRange.NONE;
        }
        int end = findForward(begin, ~invert);
        return BitRange.of(begin, end - begin);
    }

    /** fb_iter_range_impl, backwards: {@code last} is the run's highest bit. */
    private long prevRange(int start, long invert) {
        int last = findBackward(start, invert);
        if (last < 0) {
            return BitRange.NONE;
        }
        int beforeBegin = findBackward(last, ~invert);
        return BitRange.of(beforeBegin + 1, last - beforeBegin);
    }

    /** fb_range_longest_impl: walk the runs forwards, keeping the longest. */
    private int longestRange(long invert) {
        int longest = 0;
        for (long r = nextRange(0, invert); r != BitRange.NONE; r = nextRange(BitRange.end(r), invert)) {
            longest = Math.max(longest, BitRange.length(r));
        }
        return longest;
    }
}
