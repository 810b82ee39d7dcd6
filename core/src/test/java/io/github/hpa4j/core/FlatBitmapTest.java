package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Port of jemalloc's test/fb.c, plus an oracle test that checks every query on a set of patterns
 * against a plain {@code boolean[]}. Sizes straddle every word boundary up to 9 words, like
 * test/nbits.h does.
 */
class FlatBitmapTest {
    /** Sizes around each 64-bit word boundary, plus hpa's 512 and one large odd size. */
    static IntStream sizes() {
        return IntStream.of(
                1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 62, 63, 64, 65, 66, 127, 128, 129, 191, 192, 193, 255,
                256, 257, 300, 511, 512, 513, 575, 576, 577, 1000);
    }

    /** The sizes for the quadratic-in-ranges tests. */
    static IntStream smallSizes() {
        return sizes().filter(n -> n <= 193);
    }

    /** The sizes for the cubic tests; test/fb.c also keeps these below 150 bits. */
    static IntStream tinySizes() {
        return sizes().filter(n -> n < 150);
    }

    static Stream<Arguments> sizesAndPatterns() {
        List<Arguments> args = new ArrayList<>();
        sizes().forEach(n -> {
            for (Pattern p : Pattern.values()) {
                args.add(Arguments.of(n, p));
            }
        });
        return args.stream();
    }

    /** Bit patterns for the oracle test; random ones use fixed seeds so a failure reproduces. */
    enum Pattern {
        EMPTY,
        FULL,
        ALTERNATING,
        THREES,
        HALF_SET,
        HALF_UNSET,
        WORD_STRIPES,
        RANDOM,
        SPARSE,
        DENSE;

        boolean[] bits(int n) {
            // Fixed seed: the patterns, and so any failure, are the same on every run.
            SplittableRandom random = new SplittableRandom(0x4E9A9DE6A35691CDL ^ n);
            boolean[] bits = new boolean[n];
            for (int i = 0; i < n; i++) {
                bits[i] = switch (this) {
                    case EMPTY -> false;
                    case FULL -> true;
                    case ALTERNATING -> i % 2 == 0;
                    case THREES -> i % 6 < 3;
                    case HALF_SET -> i < Math.max(1, n / 2);
                    case HALF_UNSET -> i >= Math.max(1, n / 2);
                    case WORD_STRIPES -> (i / 64) % 2 == 1;
                    case RANDOM -> random.nextBoolean();
                    case SPARSE -> random.nextInt(16) == 0;
                    case DENSE -> random.nextInt(16) != 0;
                };
            }
            return bits;
        }
    }

    // ---------------------------------------------------------------- test/fb.c ports

    @ParameterizedTest
    @MethodSource("sizes")
    void shouldStartWithEveryBitUnsetAndClearBackToIt(int nbits) {
        FlatBitmap fb = new FlatBitmap(nbits);
        assertEquals(nbits, fb.size());
        for (int i = 0; i < nbits; i++) {
            assertFalse(fb.get(i), "bitmap should start empty");
        }
        fb.setRange(0, nbits);
        fb.clear();
        for (int i = 0; i < nbits; i++) {
            assertFalse(fb.get(i), "clear should unset bit " + i);
        }
        assertTrue(fb.isEmpty());
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void shouldSetAndUnsetSingleBits(int nbits) {
        FlatBitmap fb = new FlatBitmap(nbits);
        for (int i = 0; i < nbits; i += 3) {
            fb.set(i);
        }
        for (int i = 0; i < nbits; i++) {
            assertEquals(i % 3 == 0, fb.get(i), "bit " + i);
        }
        for (int i = 0; i < nbits; i += 5) {
            fb.unset(i);
        }
        for (int i = 0; i < nbits; i++) {
            assertEquals(i % 3 == 0 && i % 5 != 0, fb.get(i), "bit " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void shouldFindFirstAndLastBitsLikeBruteForceOnMultiplesOfThreeOrFive(int nbits) {
        FlatBitmap fb = new FlatBitmap(nbits);
        for (int i = 0; i < nbits; i++) {
            if (i % 3 == 0) {
                fb.set(i);
            }
            if (i % 5 == 0) {
                fb.set(i); // Double-setting must be harmless.
            }
        }
        boolean[] model = toModel(fb);
        for (int i = 0; i < nbits; i++) {
            assertEquals(bruteFind(model, i, true, true), fb.findFirstSet(i), "ffs at " + i);
            assertEquals(bruteFind(model, i, true, false), fb.findLastSet(i), "fls at " + i);
            assertEquals(bruteFind(model, i, false, true), fb.findFirstUnset(i), "ffu at " + i);
            assertEquals(bruteFind(model, i, false, false), fb.findLastUnset(i), "flu at " + i);
        }
    }

    /** test/fb.c's search_exhaustive: one odd bit out in an otherwise empty or full bitmap. */
    @ParameterizedTest
    @MethodSource("sizes")
    void shouldFindBitsAroundTheOnlyDifferingBit(int nbits) {
        FlatBitmap mostlyEmpty = new FlatBitmap(nbits);
        FlatBitmap mostlyFull = new FlatBitmap(nbits);
        mostlyFull.setRange(0, nbits);
        for (int special = 0; special < nbits; special++) {
            mostlyEmpty.set(special);
            mostlyFull.unset(special);
            for (int pos = 0; pos < nbits; pos++) {
                String where = "special " + special + ", position " + pos;
                if (pos < special) {
                    assertEquals(special, mostlyEmpty.findFirstSet(pos), where);
                    assertEquals(-1, mostlyEmpty.findLastSet(pos), where);
                    assertEquals(pos, mostlyEmpty.findFirstUnset(pos), where);
                    assertEquals(pos, mostlyEmpty.findLastUnset(pos), where);
                    assertEquals(pos, mostlyFull.findFirstSet(pos), where);
                    assertEquals(pos, mostlyFull.findLastSet(pos), where);
                    assertEquals(special, mostlyFull.findFirstUnset(pos), where);
                    assertEquals(-1, mostlyFull.findLastUnset(pos), where);
                } else if (pos == special) {
                    assertEquals(special, mostlyEmpty.findFirstSet(pos), where);
                    assertEquals(special, mostlyEmpty.findLastSet(pos), where);
                    assertEquals(pos + 1, mostlyEmpty.findFirstUnset(pos), where);
                    assertEquals(pos - 1, mostlyEmpty.findLastUnset(pos), where);
                    assertEquals(pos + 1, mostlyFull.findFirstSet(pos), where);
                    assertEquals(pos - 1, mostlyFull.findLastSet(pos), where);
                    assertEquals(pos, mostlyFull.findFirstUnset(pos), where);
                    assertEquals(pos, mostlyFull.findLastUnset(pos), where);
                } else {
                    assertEquals(nbits, mostlyEmpty.findFirstSet(pos), where);
                    assertEquals(special, mostlyEmpty.findLastSet(pos), where);
                    assertEquals(pos, mostlyEmpty.findFirstUnset(pos), where);
                    assertEquals(pos, mostlyEmpty.findLastUnset(pos), where);
                    assertEquals(pos, mostlyFull.findFirstSet(pos), where);
                    assertEquals(pos, mostlyFull.findLastSet(pos), where);
                    assertEquals(nbits, mostlyFull.findFirstUnset(pos), where);
                    assertEquals(special, mostlyFull.findLastUnset(pos), where);
                }
            }
            mostlyEmpty.unset(special);
            mostlyFull.set(special);
        }
    }

    @Test
    void shouldSetAndUnsetRangesWithinAndAcrossWords() {
        int nbits = 64 * 10;
        FlatBitmap fb = new FlatBitmap(nbits);
        for (int i = 0; i < nbits; i += 2) {
            fb.setRange(i, 1);
        }
        for (int i = 0; i < nbits; i++) {
            assertEquals(i % 2 == 0, fb.get(i), "bit " + i);
        }
        fb.setRange(0, nbits / 2);
        fb.unsetRange(nbits / 2, nbits / 2);
        for (int i = 0; i < nbits; i++) {
            assertEquals(i < nbits / 2, fb.get(i), "bit " + i);
        }
        // A range that starts mid-word and covers more than a word touches three words.
        int weird = 7;
        fb.setRange(0, nbits);
        fb.unsetRange(weird, 64 + weird);
        for (int i = 0; i < nbits; i++) {
            assertEquals(weird <= i && i <= 2 * weird + 64 - 1, !fb.get(i), "bit " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("smallSizes")
    void shouldSetAndUnsetEveryRangeLikeBruteForce(int nbits) {
        FlatBitmap fb = new FlatBitmap(nbits);
        for (int start = 0; start < nbits; start++) {
            for (int end = start + 1; end <= nbits; end++) {
                fb.clear();
                fb.setRange(start, end - start);
                assertEquals(end - start, fb.countSet(0, nbits), "set [" + start + ", " + end + ")");
                assertEquals(BitRange.of(start, end - start), fb.nextSetRange(0), fb.toString());
                fb.setRange(0, nbits);
                fb.unsetRange(start, end - start);
                assertEquals(end - start, fb.countUnset(0, nbits), "unset [" + start + ", " + end + ")");
                assertEquals(BitRange.of(start, end - start), fb.nextUnsetRange(0), fb.toString());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void shouldReportEmptyAndFullOnlyWhenEveryBitAgrees(int nbits) {
        FlatBitmap empty = new FlatBitmap(nbits);
        FlatBitmap full = new FlatBitmap(nbits);
        full.setRange(0, nbits);
        assertTrue(full.isFull());
        assertFalse(full.isEmpty());
        assertFalse(empty.isFull());
        assertTrue(empty.isEmpty());
        for (int i = 0; i < nbits; i++) {
            empty.set(i);
            full.unset(i);
            assertFalse(empty.isEmpty(), "bit " + i);
            // With one bit, flipping it turns empty into full and vice versa.
            assertEquals(nbits == 1, empty.isFull(), "bit " + i);
            assertEquals(nbits == 1, full.isEmpty(), "bit " + i);
            assertFalse(full.isFull(), "bit " + i);
            empty.unset(i);
            full.set(i);
        }
    }

    @Test
    void shouldIterateRangesAroundAPrefixOfSetBits() {
        int setLimit = 30;
        int nbits = 100;
        FlatBitmap fb = new FlatBitmap(nbits);

        fb.setRange(0, setLimit);
        assertEquals(setLimit, fb.longestSetRange());
        assertEquals(nbits - setLimit, fb.longestUnsetRange());
        for (int i = 0; i < setLimit; i++) {
            assertEquals(BitRange.of(i, setLimit - i), fb.nextSetRange(i), "at " + i);
            assertEquals(BitRange.of(setLimit, nbits - setLimit), fb.nextUnsetRange(i), "at " + i);
            assertEquals(BitRange.of(0, i + 1), fb.prevSetRange(i), "at " + i);
            assertEquals(BitRange.NONE, fb.prevUnsetRange(i), "at " + i);
        }
        for (int i = setLimit; i < nbits; i++) {
            assertEquals(BitRange.NONE, fb.nextSetRange(i), "at " + i);
            assertEquals(BitRange.of(i, nbits - i), fb.nextUnsetRange(i), "at " + i);
            assertEquals(BitRange.of(0, setLimit), fb.prevSetRange(i), "at " + i);
            assertEquals(BitRange.of(setLimit, i - setLimit + 1), fb.prevUnsetRange(i), "at " + i);
        }

        // Now the first setLimit bits are the unset ones.
        fb.unsetRange(0, setLimit);
        fb.setRange(setLimit, nbits - setLimit);
        assertEquals(nbits - setLimit, fb.longestSetRange());
        assertEquals(setLimit, fb.longestUnsetRange());
        for (int i = 0; i < setLimit; i++) {
            assertEquals(BitRange.of(setLimit, nbits - setLimit), fb.nextSetRange(i), "at " + i);
            assertEquals(BitRange.of(i, setLimit - i), fb.nextUnsetRange(i), "at " + i);
            assertEquals(BitRange.NONE, fb.prevSetRange(i), "at " + i);
            assertEquals(BitRange.of(0, i + 1), fb.prevUnsetRange(i), "at " + i);
        }
        for (int i = setLimit; i < nbits; i++) {
            assertEquals(BitRange.of(i, nbits - i), fb.nextSetRange(i), "at " + i);
            assertEquals(BitRange.NONE, fb.nextUnsetRange(i), "at " + i);
            assertEquals(BitRange.of(setLimit, i - setLimit + 1), fb.prevSetRange(i), "at " + i);
            assertEquals(BitRange.of(0, setLimit), fb.prevUnsetRange(i), "at " + i);
        }
    }

    /** test/fb.c's iter_range_exhaustive: stripes of three, then half set / half unset. */
    @ParameterizedTest
    @MethodSource("sizes")
    void shouldIterateRangesAndFindTheLongestLikeBruteForce(int nbits) {
        FlatBitmap fb = new FlatBitmap(nbits);
        for (boolean zeroVal : new boolean[] {true, false}) {
            for (int i = 0; i < nbits; i++) {
                if ((i % 6 < 3) == zeroVal) {
                    fb.set(i);
                } else {
                    fb.unset(i);
                }
            }
            assertIterationMatchesBruteForce(fb);
        }
        int half = nbits / 2 == 0 ? 1 : nbits / 2;
        fb.setRange(0, nbits);
        fb.unsetRange(0, half);
        assertIterationMatchesBruteForce(fb);
        fb.unsetRange(0, nbits);
        fb.setRange(0, half);
        assertIterationMatchesBruteForce(fb);
    }

    @Test
    void shouldCountBitsInsideAndAroundAContiguousRun() {
        int nbits = 300;
        FlatBitmap fb = new FlatBitmap(nbits);
        int start = 23;
        for (int end : new int[] {30, 40, 70, 120, 150, 200, 290}) {
            fb.setRange(start, end - start);
            assertCountsMatchContiguous(fb, start, end);
        }
    }

    @ParameterizedTest
    @MethodSource("tinySizes")
    void shouldCountGrowingAndShrinkingRunsLikeBruteForce(int nbits) {
        FlatBitmap fb = new FlatBitmap(nbits);
        assertCountsMatchContiguous(fb, 0, 0);
        for (int i = 0; i < nbits; i++) {
            fb.set(i);
            assertCountsMatchContiguous(fb, 0, i + 1);
        }
        for (int i = 0; i < nbits; i++) {
            fb.unset(i);
            assertCountsMatchContiguous(fb, i + 1, nbits);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void shouldCountAlternatingBitsExactly(int nbits) {
        FlatBitmap even = new FlatBitmap(nbits);
        FlatBitmap odd = new FlatBitmap(nbits);
        for (int i = 0; i < nbits; i++) {
            (i % 2 == 0 ? even : odd).set(i);
        }
        for (int i = 0; i < nbits; i++) {
            for (int j = i + 1; j <= nbits; j++) {
                int cnt = j - i;
                int oddExtra = cnt % 2 == 1 && i % 2 == 1 ? 1 : 0;
                int evenExtra = cnt % 2 == 1 && i % 2 == 0 ? 1 : 0;
                String where = "start " + i + ", count " + cnt;
                assertEquals(cnt / 2 + oddExtra, odd.countSet(i, cnt), where);
                assertEquals(cnt / 2 + evenExtra, odd.countUnset(i, cnt), where);
                assertEquals(cnt / 2 + evenExtra, even.countSet(i, cnt), where);
                assertEquals(cnt / 2 + oddExtra, even.countUnset(i, cnt), where);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void shouldAndBitByBitWithoutChangingTheSources(int nbits) {
        assertBitOp(nbits, Op.AND);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void shouldOrBitByBitWithoutChangingTheSources(int nbits) {
        assertBitOp(nbits, Op.OR);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void shouldNotBitByBitAndKeepThePaddingClear(int nbits) {
        FlatBitmap result = assertBitOp(nbits, Op.NOT);
        // ~x of a random pattern: had padding leaked in, a double negation of empty would not be full.
        FlatBitmap empty = new FlatBitmap(nbits);
        result.not(empty);
        assertTrue(result.isFull(), result.toString());
        assertEquals(nbits, result.longestSetRange());
        assertEquals(nbits, result.findFirstUnset(0));
        result.not(result);
        assertEquals(empty, result);
    }

    // ---------------------------------------------------------------- oracle over patterns

    @ParameterizedTest(name = "nbits={0}, {1}")
    @MethodSource("sizesAndPatterns")
    void shouldAnswerEveryQueryLikeBruteForce(int nbits, Pattern pattern) {
        boolean[] model = pattern.bits(nbits);
        FlatBitmap fb = fromModel(model);
        String context = pattern + " " + fb;

        assertEquals(!contains(model, true), fb.isEmpty(), context);
        assertEquals(!contains(model, false), fb.isFull(), context);
        for (int i = 0; i < nbits; i++) {
            int pos = i;
            assertEquals(model[i], fb.get(i), context);
            // Messages are built lazily: these loops run millions of times when all is well.
            assertEquals(bruteFind(model, i, true, true), fb.findFirstSet(i), () -> "ffs " + pos + " " + context);
            assertEquals(bruteFind(model, i, false, true), fb.findFirstUnset(i), () -> "ffu " + pos + " " + context);
            assertEquals(bruteFind(model, i, true, false), fb.findLastSet(i), () -> "fls " + pos + " " + context);
            assertEquals(bruteFind(model, i, false, false), fb.findLastUnset(i), () -> "flu " + pos + " " + context);
        }
        assertIterationMatchesBruteForce(fb);

        // Counts over every range, checked against prefix sums of the model.
        int[] prefix = new int[nbits + 1];
        for (int i = 0; i < nbits; i++) {
            prefix[i + 1] = prefix[i] + (model[i] ? 1 : 0);
        }
        int step = nbits > 300 ? 7 : 1; // Keep the big sizes fast; 7 is coprime with 64.
        for (int start = 0; start < nbits; start += step) {
            for (int end = start + 1; end <= nbits; end++) {
                int expected = prefix[end] - prefix[start];
                int count = end - start;
                int setCount = fb.countSet(start, count);
                int unsetCount = fb.countUnset(start, count);
                if (setCount != expected || unsetCount != count - expected) {
                    fail("[" + start + ", " + end + "): " + setCount + " set / " + unsetCount + " unset, expected "
                            + expected + " / " + (count - expected) + " in " + context);
                }
            }
        }
    }

    @ParameterizedTest(name = "nbits={0}, {1}")
    @MethodSource("sizesAndPatterns")
    void shouldWalkEveryRunForwardsAndBackwards(int nbits, Pattern pattern) {
        boolean[] model = pattern.bits(nbits);
        FlatBitmap fb = fromModel(model);
        for (boolean val : new boolean[] {true, false}) {
            // Forwards from 0, jumping to each run's end, must tile exactly the matching bits.
            boolean[] seen = new boolean[nbits];
            int prevEnd = -1;
            for (long r = next(fb, 0, val); r != BitRange.NONE; r = next(fb, BitRange.end(r), val)) {
                assertTrue(BitRange.begin(r) > prevEnd, () -> "runs must be maximal and ordered: " + fb);
                prevEnd = BitRange.end(r);
                for (int i = BitRange.begin(r); i < BitRange.end(r); i++) {
                    seen[i] = true;
                }
            }
            // Backwards from the last bit, jumping below each run's begin.
            boolean[] seenBackwards = new boolean[nbits];
            for (long r = prev(fb, nbits - 1, val); r != BitRange.NONE; r = prev(fb, BitRange.begin(r) - 1, val)) {
                for (int i = BitRange.begin(r); i < BitRange.end(r); i++) {
                    seenBackwards[i] = true;
                }
            }
            for (int i = 0; i < nbits; i++) {
                if (seen[i] != (model[i] == val) || seenBackwards[i] != (model[i] == val)) {
                    fail("bit " + i + " " + (seen[i] ? "" : "not ") + "walked forwards, "
                            + (seenBackwards[i] ? "" : "not ") + "walked backwards, in " + fb);
                }
            }
        }
    }

    // ---------------------------------------------------------------- Java-side contract

    @Test
    void shouldAcceptOnePastEitherEndAsASearchStart() {
        FlatBitmap fb = new FlatBitmap(70);
        fb.setRange(10, 5);
        assertEquals(70, fb.findFirstSet(70));
        assertEquals(70, fb.findFirstUnset(70));
        assertEquals(-1, fb.findLastSet(-1));
        assertEquals(-1, fb.findLastUnset(-1));
        assertEquals(BitRange.NONE, fb.nextSetRange(70));
        assertEquals(BitRange.NONE, fb.nextUnsetRange(70));
        assertEquals(BitRange.NONE, fb.prevSetRange(-1));
        assertEquals(BitRange.NONE, fb.prevUnsetRange(-1));
    }

    @Test
    void shouldRejectBitsOutsideTheBitmap() {
        FlatBitmap fb = new FlatBitmap(70);
        assertThrows(IndexOutOfBoundsException.class, () -> fb.get(70));
        assertThrows(IndexOutOfBoundsException.class, () -> fb.get(-1));
        // Bit 70 lives in the padding of the second word; it must not be silently writable.
        assertThrows(IndexOutOfBoundsException.class, () -> fb.set(70));
        assertThrows(IndexOutOfBoundsException.class, () -> fb.unset(127));
        assertThrows(IndexOutOfBoundsException.class, () -> fb.setRange(60, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> fb.unsetRange(-1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> fb.countSet(0, 71));
        assertThrows(IndexOutOfBoundsException.class, () -> fb.findFirstSet(71));
        assertThrows(IndexOutOfBoundsException.class, () -> fb.findFirstUnset(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> fb.findLastSet(70));
        assertThrows(IndexOutOfBoundsException.class, () -> fb.findLastUnset(-2));
        assertThrows(IllegalArgumentException.class, () -> new FlatBitmap(0));
        assertTrue(fb.isEmpty());
    }

    @Test
    void shouldRejectEmptyRangesAsFbHDoes() {
        assumeTrue(FlatBitmap.class.desiredAssertionStatus(), "needs -ea");
        FlatBitmap fb = new FlatBitmap(70);
        assertThrows(AssertionError.class, () -> fb.setRange(3, 0));
        assertThrows(AssertionError.class, () -> fb.unsetRange(3, 0));
        assertThrows(AssertionError.class, () -> fb.countSet(3, 0));
        assertTrue(fb.isEmpty(), "a rejected empty range must not touch any bit");
    }

    @Test
    void shouldRejectOperandsOfAnotherSize() {
        FlatBitmap fb = new FlatBitmap(64);
        FlatBitmap other = new FlatBitmap(65);
        assertThrows(IllegalArgumentException.class, () -> fb.and(fb, other));
        assertThrows(IllegalArgumentException.class, () -> fb.and(other, fb));
        assertThrows(IllegalArgumentException.class, () -> fb.or(other, fb));
        assertThrows(IllegalArgumentException.class, () -> fb.or(fb, other));
        assertThrows(IllegalArgumentException.class, () -> fb.not(other));
        assertThrows(IllegalArgumentException.class, () -> fb.copyFrom(other));
    }

    @Test
    void shouldAllowTheDestinationToBeAnOperand() {
        FlatBitmap a = fromModel(Pattern.RANDOM.bits(200));
        FlatBitmap b = fromModel(Pattern.SPARSE.bits(200));
        FlatBitmap expected = new FlatBitmap(200);
        expected.or(a, b);
        FlatBitmap dst = new FlatBitmap(200);
        dst.copyFrom(a);
        dst.or(dst, b);
        assertEquals(expected, dst);

        expected.and(a, b);
        dst.copyFrom(b);
        dst.and(a, dst);
        assertEquals(expected, dst);

        dst.copyFrom(a);
        dst.and(dst, dst);
        assertEquals(a, dst);
    }

    @Test
    void shouldEqualOnlyABitmapOfTheSameSizeAndBits() {
        FlatBitmap a = new FlatBitmap(100);
        FlatBitmap b = new FlatBitmap(100);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        a.set(99);
        assertNotEquals(a, b);
        b.set(99);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(new FlatBitmap(100), new FlatBitmap(101));
        assertNotEquals(
                new FlatBitmap(100).hashCode(),
                new FlatBitmap(101).hashCode(),
                "the size counts in the hash as in equals, even where the words are alike");
    }

    @Test
    void shouldRenderRunsOfSetBits() {
        FlatBitmap fb = new FlatBitmap(100);
        assertEquals("FlatBitmap[100]{}", fb.toString());
        fb.setRange(0, 30);
        fb.set(35);
        fb.setRange(98, 2);
        assertEquals("FlatBitmap[100]{0-29, 35, 98-99}", fb.toString());
    }

    @Test
    void shouldPackRangesThatNeverCollideWithNone() {
        long r = BitRange.of(70, 3);
        assertEquals(70, BitRange.begin(r));
        assertEquals(3, BitRange.length(r));
        assertEquals(73, BitRange.end(r));
        assertEquals("[70, 73)", BitRange.toString(r));
        long widest = BitRange.of(Integer.MAX_VALUE, -1 >>> 1);
        assertEquals(Integer.MAX_VALUE, BitRange.begin(widest));
        assertEquals(Integer.MAX_VALUE, BitRange.length(widest));
        assertNotEquals(BitRange.NONE, widest);
        assertNotEquals(BitRange.NONE, BitRange.of(0, 0));
        assertEquals("NONE", BitRange.toString(BitRange.NONE));
    }

    // ---------------------------------------------------------------- helpers and oracles

    private enum Op {
        AND,
        OR,
        NOT;

        boolean apply(boolean a, boolean b) {
            return switch (this) {
                case AND -> a && b;
                case OR -> a || b;
                case NOT -> !a;
            };
        }
    }

    /** test/fb.c's do_test_bit_op, with its two seeds. */
    private static FlatBitmap assertBitOp(int nbits, Op op) {
        boolean[] bits1 = randomBits(nbits, 0x4E9A9DE6A35691CDL);
        boolean[] bits2 = randomBits(nbits, 0x7856E396B063C36EL);
        FlatBitmap fb1 = fromModel(bits1);
        FlatBitmap fb2 = fromModel(bits2);
        FlatBitmap result = new FlatBitmap(nbits);
        switch (op) {
            case AND -> result.and(fb1, fb2);
            case OR -> result.or(fb1, fb2);
            case NOT -> result.not(fb1);
        }
        for (int i = 0; i < nbits; i++) {
            assertEquals(bits1[i], fb1.get(i), "source 1 changed at " + i);
            assertEquals(bits2[i], fb2.get(i), "source 2 changed at " + i);
            assertEquals(op.apply(bits1[i], bits2[i]), result.get(i), op + " at " + i);
        }
        // Whatever went into the padding would show up as a wrong count or search result.
        assertEquals(countTrue(result), result.countSet(0, nbits), result.toString());
        return result;
    }

    private static boolean[] randomBits(int nbits, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] bits = new boolean[nbits];
        for (int i = 0; i < nbits; i++) {
            bits[i] = random.nextBoolean();
        }
        return bits;
    }

    private static FlatBitmap fromModel(boolean[] model) {
        FlatBitmap fb = new FlatBitmap(model.length);
        for (int i = 0; i < model.length; i++) {
            if (model[i]) {
                fb.set(i);
            }
        }
        return fb;
    }

    private static boolean[] toModel(FlatBitmap fb) {
        boolean[] model = new boolean[fb.size()];
        for (int i = 0; i < model.length; i++) {
            model[i] = fb.get(i);
        }
        return model;
    }

    private static boolean contains(boolean[] model, boolean val) {
        for (boolean b : model) {
            if (b == val) {
                return true;
            }
        }
        return false;
    }

    private static int countTrue(FlatBitmap fb) {
        int n = 0;
        for (int i = 0; i < fb.size(); i++) {
            n += fb.get(i) ? 1 : 0;
        }
        return n;
    }

    /** The first (forward) or last (backward) position from {@code start} holding {@code val}. */
    private static int bruteFind(boolean[] model, int start, boolean val, boolean forward) {
        for (int i = start; i >= 0 && i < model.length; i += forward ? 1 : -1) {
            if (model[i] == val) {
                return i;
            }
        }
        return forward ? model.length : -1;
    }

    /** test/fb.c's fb_iter_simple: walk bit by bit to the first match, then to the run's end. */
    private static long bruteRange(boolean[] model, int start, boolean val, boolean forward) {
        int stride = forward ? 1 : -1;
        for (int begin = start; begin >= 0 && begin < model.length; begin += stride) {
            if (model[begin] == val) {
                int end = begin;
                while (end >= 0 && end < model.length && model[end] == val) {
                    end += stride;
                }
                return forward ? BitRange.of(begin, end - begin) : BitRange.of(end + 1, begin - end);
            }
        }
        return BitRange.NONE;
    }

    /** test/fb.c's fb_range_longest_simple. */
    private static int bruteLongest(boolean[] model, boolean val) {
        int longest = 0;
        for (int begin = 0; begin < model.length; begin++) {
            if (model[begin] != val) {
                continue;
            }
            int end = begin + 1;
            while (end < model.length && model[end] == val) {
                end++;
            }
            longest = Math.max(longest, end - begin);
        }
        return longest;
    }

    private static long next(FlatBitmap fb, int start, boolean val) {
        return val ? fb.nextSetRange(start) : fb.nextUnsetRange(start);
    }

    private static long prev(FlatBitmap fb, int start, boolean val) {
        return val ? fb.prevSetRange(start) : fb.prevUnsetRange(start);
    }

    /** test/fb.c's expect_iter_results. */
    private static void assertIterationMatchesBruteForce(FlatBitmap fb) {
        boolean[] model = toModel(fb);
        for (int i = 0; i < model.length; i++) {
            for (boolean val : new boolean[] {true, false}) {
                long expectedNext = bruteRange(model, i, val, true);
                long expectedPrev = bruteRange(model, i, val, false);
                long actualNext = next(fb, i, val);
                long actualPrev = prev(fb, i, val);
                if (expectedNext != actualNext || expectedPrev != actualPrev) {
                    fail((val ? "set" : "unset") + " ranges from " + i + ": next " + BitRange.toString(actualNext)
                            + " (expected " + BitRange.toString(expectedNext) + "), prev "
                            + BitRange.toString(actualPrev) + " (expected " + BitRange.toString(expectedPrev)
                            + ") in " + fb);
                }
            }
        }
        assertEquals(bruteLongest(model, true), fb.longestSetRange(), () -> "longest set in " + fb);
        assertEquals(bruteLongest(model, false), fb.longestUnsetRange(), () -> "longest unset in " + fb);
    }

    /** Checks counts over every range, knowing the set bits are exactly {@code [setStart, setEnd)}. */
    private static void assertCountsMatchContiguous(FlatBitmap fb, int setStart, int setEnd) {
        int nbits = fb.size();
        for (int i = 0; i < nbits; i++) {
            for (int j = i + 1; j <= nbits; j++) {
                int overlap = Math.max(0, Math.min(setEnd, j) - Math.max(setStart, i));
                int setCount = fb.countSet(i, j - i);
                int unsetCount = fb.countUnset(i, j - i);
                if (setCount != overlap || unsetCount != j - i - overlap) {
                    fail("[" + i + ", " + j + ") with [" + setStart + ", " + setEnd + ") set: " + setCount + " set / "
                            + unsetCount + " unset, expected " + overlap + " / " + (j - i - overlap));
                }
            }
        }
    }
}
