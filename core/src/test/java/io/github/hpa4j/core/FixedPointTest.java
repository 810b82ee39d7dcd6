package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Port of jemalloc's test/fxp.c, plus the Java-side extras: percentages, UNLIMITED and errors. */
class FixedPointTest {

    // ---------------------------------------------------------------- test/fxp.c ports

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0",
                "1",
                "2",
                "100",
                "345",
                "00000000123",
                "00000000987",
                "0.0",
                "0.00000000000456456456",
                "100.00000000000456456456",
                "123.1",
                "123.01",
                "123.001",
                "123.0001",
                "123.00001",
                "123.000001",
                "123.0000001",
                ".0",
                ".1",
                ".01",
                ".001",
                ".0001",
                ".00001",
                ".000001",
                ".1",
                ".10",
                ".100",
                ".1000",
                ".100000",
                "65535",
                "65535.99999"
            })
    void shouldParseDecimalsAccurately(String text) {
        double expected = Double.parseDouble(text);
        int fxp = FixedPoint.parse(text);
        assertTrue(close(toDouble(fxp), expected), () -> text + " parsed as " + FixedPoint.toString(fxp));
    }

    /**
     * fxp_parse stops at the first character it cannot use and returns where, so jemalloc's test
     * feeds it values followed by more of a malloc_conf string. The Java API takes exactly one
     * value, so trailing text is an error rather than ignored.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1with_some_trailing_text", "0.25 with a space", "123.1,in_a_malloc_conf_string:1"})
    void shouldRejectTrailingTextThatFxpParseWouldStopAt(String text) {
        assertBadText(text);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // test/fxp.c's invalid strings.
                "123.",
                "3.a",
                ".a",
                "a.1",
                "a",
                // Valid shapes that overflow the 16-bit integer part.
                "123456789",
                "0000000123456789",
                "1000000",
                "65536",
                "65536.0",
                // Java-side extras.
                "",
                ".",
                "%",
                "1%%",
                "%1",
                "5.%",
                "1.5.",
                "1..5",
                "-2",
                "-1.0",
                "+1",
                " 1",
                "1 ",
                "1e3",
                "0x10",
                "6553600%",
                "unlimited%",
                "\u0661"
            })
    void shouldRejectMalformedOrOutOfRangeText(String text) {
        assertBadText(text);
    }

    @Test
    void shouldInitFromPercentLikeParsingTheDecimal() {
        assertEquals(FixedPoint.parse("1"), FixedPoint.ofPercent(100));
        assertEquals(FixedPoint.parse(".75"), FixedPoint.ofPercent(75));
        assertEquals(FixedPoint.parse(".01"), FixedPoint.ofPercent(1));
        assertEquals(FixedPoint.parse(".5"), FixedPoint.ofPercent(50));
    }

    @ParameterizedTest
    @CsvSource({"0, 0, 0", "0, 1, 1", "1, 1, 2", "1.5, 1.5, 3", "0.1, 0.1, 0.2", "123, 456, 579"})
    void shouldAdd(String a, String b, String sum) {
        assertClose(FixedPoint.parse(sum), FixedPoint.add(FixedPoint.parse(a), FixedPoint.parse(b)), a + " + " + b);
    }

    @ParameterizedTest
    @CsvSource({"0, 0, 0", "1, 0, 1", "1, 1, 0", "3.5, 1.5, 2", "0.3, 0.1, 0.2", "456, 123, 333"})
    void shouldSubtract(String a, String b, String difference) {
        assertClose(
                FixedPoint.parse(difference), FixedPoint.sub(FixedPoint.parse(a), FixedPoint.parse(b)), a + " - " + b);
    }

    @ParameterizedTest
    @CsvSource({"0, 0, 0", "1, 0, 0", "1, 1, 1", "1.5, 1.5, 2.25", "100.0, 10, 1000", ".1, 10, 1"})
    void shouldMultiply(String a, String b, String product) {
        assertClose(FixedPoint.parse(product), FixedPoint.mul(FixedPoint.parse(a), FixedPoint.parse(b)), a + " * " + b);
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1, 1",
        "0, 1, 0",
        "2, 1, 2",
        "3, 2, 1.5",
        "3, 1.5, 2",
        "10, .1, 100",
        "123, 456, .2697368421",
        // Above 32767 the int is negative; the arithmetic must still be unsigned.
        "40000, 2, 20000",
        "60000, 1.5, 40000",
        "1, 60000, 0.0000166667"
    })
    void shouldDivide(String a, String b, String quotient) {
        assertClose(
                FixedPoint.parse(quotient), FixedPoint.div(FixedPoint.parse(a), FixedPoint.parse(b)), a + " / " + b);
    }

    @ParameterizedTest
    @CsvSource({
        "1.5, 1, 2",
        "0, 0, 0",
        "0.1, 0, 0",
        "0.4, 0, 0",
        "0.40000, 0, 0",
        "0.5, 0, 1",
        "0.6, 0, 1",
        "123, 123, 123",
        "123.4, 123, 123",
        "123.5, 123, 124",
        "65535.5, 65535, 65536"
    })
    void shouldRoundDownAndToNearestWithHalvesUp(String text, int down, int nearest) {
        int fxp = FixedPoint.parse(text);
        assertEquals(down, FixedPoint.roundDown(fxp), "down " + text);
        assertEquals(nearest, FixedPoint.roundNearest(fxp), "nearest " + text);
    }

    @Test
    void shouldMultiplyLargeCountsByFractionsApproximately() {
        // Long.MAX_VALUE stands in for test/fxp.c's SIZE_MAX: the largest count a Java caller has.
        assertMulFrac(Long.MAX_VALUE, "1.0", Long.MAX_VALUE);
        assertMulFrac(Long.MAX_VALUE, ".75", Long.MAX_VALUE / 4 * 3);
        assertMulFrac(Long.MAX_VALUE, ".5", Long.MAX_VALUE / 2);
        assertMulFrac(Long.MAX_VALUE, ".25", Long.MAX_VALUE / 4);
        assertMulFrac(1L << 16, "1.0", 1L << 16);
        assertMulFrac(1L << 30, "0.5", 1L << 29);
        assertMulFrac(1L << 30, "0.25", 1L << 28);
        assertMulFrac(1L << 30, "0.125", 1L << 27);
        assertMulFrac((1L << 30) + 1, "0.125", 1L << 27);
        assertMulFrac(100, "0.25", 25);
        assertMulFrac(1000 * 1000, "0.001", 1000);
    }

    @Test
    void shouldMultiplyFirstBelowTwoToThe48AndShiftFirstAbove() {
        long below = (1L << 48) - 1;
        // Multiply-first keeps every bit.
        assertEquals(below, FixedPoint.mulFrac(below, FixedPoint.ONE));
        assertEquals(below / 2, FixedPoint.mulFrac(below, FixedPoint.parse("0.5")));
        // Shift-first drops the low 16 bits of x, and nothing else.
        long above = (1L << 48) + 12345;
        assertEquals(1L << 48, FixedPoint.mulFrac(above, FixedPoint.ONE));
        assertEquals(1L << 47, FixedPoint.mulFrac(above, FixedPoint.parse("0.5")));
        // x is unsigned: the largest 64-bit count times one loses only its low 16 bits.
        assertEquals(-1L << 16, FixedPoint.mulFrac(-1L, FixedPoint.ONE));
        // hpa's use: dirty pages tolerated for 512 active pages at dirty_mult 25%.
        assertEquals(128, FixedPoint.mulFrac(512, FixedPoint.parse("25%")));
        assertEquals(0, FixedPoint.mulFrac(512, 0));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0.0",
                "1.0",
                "2.0",
                "123.0",
                "1.5",
                "3.375",
                "0.25",
                "0.125",
                "0.00006103515625", // 1 / 2^14
                "65535.0",
                "0.001953125"
            })
    void shouldPrintBinaryFractionsExactly(String text) {
        assertEquals(text, FixedPoint.toString(FixedPoint.parse(text)));
    }

    /** test/fxp.c's stress test: every pair of a grid of values against double arithmetic. */
    @Test
    void shouldComputeLikeDoublesOnAGridOfValues() {
        String[] numbers = new String[80];
        int[] integers = {0, 1, 2, 17, 18, 123, 124, 125};
        for (int i = 0; i < integers.length; i++) {
            for (int tenth = 0; tenth < 10; tenth++) {
                numbers[i * 10 + tenth] = integers[i] + "." + tenth;
            }
        }
        for (String as : numbers) {
            int a = FixedPoint.parse(as);
            double da = Double.parseDouble(as);
            assertEquals((int) da, FixedPoint.roundDown(a), "round down " + as);
            assertEquals((int) Math.round(da), FixedPoint.roundNearest(a), "round nearest " + as);
            for (String bs : numbers) {
                int b = FixedPoint.parse(bs);
                double db = Double.parseDouble(bs);
                String pair = as + ", " + bs;
                assertTrue(close(toDouble(FixedPoint.add(a, b)), da + db), pair);
                if (da > db) {
                    assertTrue(close(toDouble(FixedPoint.sub(a, b)), da - db), pair);
                }
                assertTrue(close(toDouble(FixedPoint.mul(a, b)), da * db), pair);
                if (db != 0.0) {
                    assertTrue(close(toDouble(FixedPoint.div(a, b)), da / db), pair);
                }
            }
        }
    }

    // ---------------------------------------------------------------- Java-side extras

    @ParameterizedTest
    @CsvSource({
        "25%, 0.25",
        "100%, 1",
        "0%, 0",
        "12.5%, 0.125",
        ".5%, 0.005",
        "250%, 2.5",
        "33.333%, 0.33333",
        "0.0001%, 0.000001",
        "6553599.99%, 65535.9999",
        "00025%, .25"
    })
    void shouldReadAPercentAsHundredths(String percent, String decimal) {
        assertEquals(FixedPoint.parse(decimal), FixedPoint.parse(percent), percent);
    }

    /**
     * fxp.c keeps 14 fraction digits of the text and rounds the result down to 16 bits; a
     * percentage keeps 14 digits of the percent number. Checked exactly against BigDecimal.
     */
    @Test
    void shouldRoundDownToSixteenBitsExactlyLikeFxpParse() {
        SplittableRandom random = new SplittableRandom(0x5EED_F0C5L); // Fixed: failures reproduce.
        for (int n = 0; n < 20_000; n++) {
            boolean percent = random.nextBoolean();
            int integer = random.nextBoolean() ? random.nextInt(200) : random.nextInt(percent ? 6_553_600 : 65_536);
            StringBuilder number = new StringBuilder().append(integer).append('.');
            int digits = random.nextInt(1, 20);
            for (int d = 0; d < digits; d++) {
                number.append((char) ('0' + random.nextInt(10)));
            }
            String text = percent ? number + "%" : number.toString();
            BigDecimal kept = new BigDecimal(number.toString()).setScale(14, RoundingMode.DOWN);
            if (percent) {
                kept = kept.movePointLeft(2);
            }
            long expected = kept.multiply(BigDecimal.valueOf(FixedPoint.ONE))
                    .setScale(0, RoundingMode.FLOOR)
                    .longValueExact();
            assertEquals((int) expected, FixedPoint.parse(text), text);
        }
        // Just below and exactly at 2^-16 (= 0.00152587890625%): the floor must not round up.
        assertEquals(0, FixedPoint.parse("0.00152587890624%"));
        assertEquals(1, FixedPoint.parse("0.00152587890625%"));
        // 2^-16 written as a plain decimal needs 16 digits; fxp.c keeps 14, so it reads as 0 too.
        assertEquals(0, FixedPoint.parse("0.0000152587890625"));
        assertEquals(1, FixedPoint.parse("0.00001525878907"));
    }

    @Test
    void shouldParseWholePercentagesExactlyAsOfPercent() {
        for (int pct = 0; pct <= 1000; pct++) {
            assertEquals(FixedPoint.ofPercent(pct), FixedPoint.parse(pct + "%"), pct + "%");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "unlimited", "UNLIMITED", "Unlimited"})
    void shouldReadMinusOneAndUnlimitedAsTheSentinel(String text) {
        assertEquals(FixedPoint.UNLIMITED, FixedPoint.parse(text));
        assertEquals(-1, FixedPoint.UNLIMITED);
    }

    @Test
    void shouldQuoteTheTextInParseErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FixedPoint.parse("0.2x"));
        assertTrue(e.getMessage().contains("'0.2x'"), e.getMessage());
    }

    @Test
    void shouldRoundTripEveryFractionOfAtMostFourteenBits() {
        for (int frac = 0; frac < FixedPoint.ONE; frac++) {
            int fxp = FixedPoint.ONE * 3 + frac;
            int back = FixedPoint.parse(FixedPoint.toString(fxp));
            // 14 decimal digits hold 14 binary fraction bits exactly; the 15th and 16th are
            // truncated when printed, so parsing the text can come back one unit low.
            if (frac % 4 == 0) {
                assertEquals(fxp, back, FixedPoint.toString(fxp));
            } else {
                assertTrue(fxp - back <= 1 && fxp - back >= 0, FixedPoint.toString(fxp));
            }
        }
    }

    @Test
    void shouldPrintSmallAndLargeValuesWithTheirLeadingZeros() {
        assertEquals("0.00001525878906", FixedPoint.toString(1));
        assertEquals("0.5", FixedPoint.toString(FixedPoint.ONE / 2));
        assertEquals("0.04998779296875", FixedPoint.toString(FixedPoint.parse("0.05")));
        assertEquals("65535.99998474121093", FixedPoint.toString(FixedPoint.UNLIMITED));
        assertEquals("40000.0", FixedPoint.toString(FixedPoint.ofInt(40000)));
    }

    @Test
    void shouldTreatValuesAboveHalfRangeAsUnsigned() {
        int big = FixedPoint.ofInt(40000); // Negative as a Java int.
        assertTrue(big < 0);
        assertEquals(40000, FixedPoint.roundDown(big));
        assertEquals(FixedPoint.ofInt(20000), FixedPoint.mul(big, FixedPoint.parse("0.5")));
        assertEquals(FixedPoint.ofInt(20000), FixedPoint.div(big, FixedPoint.ofInt(2)));
        assertEquals(FixedPoint.ofInt(1), FixedPoint.sub(big, FixedPoint.ofInt(39999)));
    }

    @Test
    void shouldRejectOutOfRangeConstructorArguments() {
        assertEquals(FixedPoint.ONE, FixedPoint.ofInt(1));
        assertEquals(FixedPoint.ofInt(65535), FixedPoint.parse("65535"));
        assertThrows(IllegalArgumentException.class, () -> FixedPoint.ofInt(65536));
        assertThrows(IllegalArgumentException.class, () -> FixedPoint.ofInt(-1));
        assertEquals(FixedPoint.ONE / 4, FixedPoint.ofPercent(25));
        assertThrows(IllegalArgumentException.class, () -> FixedPoint.ofPercent(-1));
        assertThrows(IllegalArgumentException.class, () -> FixedPoint.ofPercent(6553600));
        assertThrows(NullPointerException.class, () -> FixedPoint.parse(null));
    }

    @Test
    void shouldAssertOnUnderflowOverflowAndFractionsAboveOne() {
        assumeTrue(FixedPoint.class.desiredAssertionStatus(), "needs -ea");
        assertThrows(AssertionError.class, () -> FixedPoint.sub(FixedPoint.ONE, FixedPoint.ONE + 1));
        assertThrows(AssertionError.class, () -> FixedPoint.add(FixedPoint.ofInt(40000), FixedPoint.ofInt(30000)));
        assertThrows(AssertionError.class, () -> FixedPoint.mulFrac(10, FixedPoint.ONE + 1));
        assertThrows(AssertionError.class, () -> FixedPoint.mulFrac(10, FixedPoint.UNLIMITED));
    }

    // ---------------------------------------------------------------- helpers

    private static double toDouble(int fxp) {
        return (fxp >>> 16) + (fxp & 0xFFFF) / 65536.0;
    }

    /** test/fxp.c's double_close: within 0.01 absolutely or 1% relatively. */
    private static boolean close(double a, double b) {
        return Math.abs(a - b) < 0.01 || Math.abs(a - b) / a < 0.01;
    }

    private static void assertClose(int expected, int actual, String what) {
        assertTrue(
                close(toDouble(actual), toDouble(expected)),
                () -> what + ": expected " + FixedPoint.toString(expected) + " but was " + FixedPoint.toString(actual));
    }

    private static void assertMulFrac(long x, String frac, long expected) {
        long actual = FixedPoint.mulFrac(x, FixedPoint.parse(frac));
        assertTrue(
                close((double) expected, (double) actual),
                () -> x + " * " + frac + ": expected " + expected + " but was " + actual);
    }

    private static void assertBadText(String text) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> FixedPoint.parse(text), () -> "should reject '" + text + "'");
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void shouldTakeEveryIntegerAndPercentageAtTheEdgesOfTheRange() {
        assertEquals(0, FixedPoint.ofInt(0));
        assertEquals("65535.0", FixedPoint.toString(FixedPoint.ofInt(65535)));
        assertThrows(IllegalArgumentException.class, () -> FixedPoint.ofInt(65536));
        assertThrows(IllegalArgumentException.class, () -> FixedPoint.ofInt(-1));
        assertEquals(0, FixedPoint.ofPercent(0));
        assertEquals(FixedPoint.ofInt(1), FixedPoint.ofPercent(100));
        assertThrows(IllegalArgumentException.class, () -> FixedPoint.ofPercent(-1));
        assertThrows(IllegalArgumentException.class, () -> FixedPoint.ofPercent(6_553_600));
    }

    @Test
    void aRatioTooLargeNamesTheBoundOfItsForm() {
        assertEquals(
                "not a fixed-point ratio (expected e.g. 0.25, 25% or unlimited): '65536' must be below 65536",
                assertThrows(IllegalArgumentException.class, () -> FixedPoint.parse("65536"))
                        .getMessage());
        assertEquals(
                "not a fixed-point ratio (expected e.g. 0.25, 25% or unlimited): '6553600%' must be below 6553600%",
                assertThrows(IllegalArgumentException.class, () -> FixedPoint.parse("6553600%"))
                        .getMessage());
    }
}
