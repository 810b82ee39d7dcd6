package io.github.hpa4j.core;

import java.util.Objects;

/**
 * Unsigned 16.16 fixed-point ratios held in an {@code int}. Port of jemalloc's {@code fxp.h} and
 * {@code fxp.c}, which hpa uses for {@code dirty_mult} (the tolerated ratio of dirty to active
 * pages) and {@code hugification_threshold_ratio}.
 *
 * <p>A value {@code v} is represented by the 32 bits of {@code v * 2^16}: the high half is the
 * integer part, the low half the fraction. The {@code int} is read as <em>unsigned</em>, so
 * anything from 0 to just under 65536 is representable; compare with
 * {@link Integer#compareUnsigned(int, int)}, never {@code <}. {@link #UNLIMITED}, all ones, is
 * jemalloc's {@code (fxp_t)-1} sentinel; it is also the largest value, so a caller that treats it
 * as "no limit" must test for it before doing arithmetic.
 *
 * <p>jemalloc avoids floating point here because libc may call malloc with a calling convention
 * that does not preserve FP state. That reason does not carry over to Java, but the port keeps the
 * integer arithmetic so that hpa4j's purge and hugify decisions round exactly as jemalloc's do.
 * Overflow is a caller error, as in jemalloc: it is caught by {@code assert}, not checked.
 */
public final class FixedPoint {
    /** Bits of fraction. */
    public static final int FRACTION_BITS = 16;
    /** 1.0. */
    public static final int ONE = 1 << FRACTION_BITS;
    /** jemalloc's {@code (fxp_t)-1}: used as {@code dirty_mult} it disables purging. */
    public static final int UNLIMITED = -1;

    private static final int FRACTION_MASK = ONE - 1;
    private static final int HALF = ONE >>> 1;
    private static final long UNSIGNED_INT_MAX = 0xFFFF_FFFFL;

    /**
     * Fraction digits kept by {@link #parse} and printed by {@link #toString(int)}. fxp.c keeps far
     * more than 16 bits need so that short binary fractions such as 1/512 = 0.001953125 come out
     * exact: with 14 digits, a fraction below 10^14 still fits in a long after the 16-bit shift.
     */
    private static final int FRACTION_DIGITS = 14;
    /** 5^16: since 10^16 = 2^16 * 5^16, {@code (x << 16) / 10^16 == x / 5^16}, without overflow. */
    private static final long FIVE_POW_16 = 152_587_890_625L;

    private FixedPoint() {}

    /**
     * {@code FXP_INIT_INT}: the ratio {@code x}, for {@code 0 <= x < 65536}.
     *
     * @param x the integer
     * @return the ratio, in 16.16 fixed point
     */
    public static int ofInt(int x) {
        if (x < 0 || x > (int) (UNSIGNED_INT_MAX >>> FRACTION_BITS)) {
            throw new IllegalArgumentException("integer out of fixed-point range [0, 65536): " + x);
        }
        return x << FRACTION_BITS;
    }

    /**
     * {@code FXP_INIT_PERCENT}: the ratio {@code pct / 100}, rounded down.
     *
     * @param pct the percentage
     * @return the ratio, in 16.16 fixed point
     */
    public static int ofPercent(int pct) {
        long repr = pct < 0 ? -1 : ((long) pct << FRACTION_BITS) / 100;
        if (repr < 0 || repr > UNSIGNED_INT_MAX) {
            throw new IllegalArgumentException("percentage out of fixed-point range: " + pct);
        }
        return (int) repr;
    }

    /**
     * {@code fxp_add}; the sum must not overflow.
     *
     * @param a a ratio
     * @param b a ratio
     * @return {@code a + b}
     */
    public static int add(int a, int b) {
        assert Integer.toUnsignedLong(a) + Integer.toUnsignedLong(b) <= UNSIGNED_INT_MAX
                : toString(a) + " + " + toString(b) + " overflows";
        return a + b;
    }

    /**
     * {@code fxp_sub}; requires {@code a >= b} (unsigned).
     *
     * @param a a ratio
     * @param b a ratio no larger than {@code a}
     * @return {@code a - b}
     */
    public static int sub(int a, int b) {
        assert Integer.compareUnsigned(a, b) >= 0 : toString(a) + " - " + toString(b) + " underflows";
        return a - b;
    }

    /**
     * {@code fxp_mul}. The 64-bit product of two 16.16 values carries 32 fraction bits, so it is
     * shifted back by 16; the high bits are truncated as in C.
     *
     * @param a a ratio
     * @param b a ratio
     * @return {@code a * b}
     */
    public static int mul(int a, int b) {
        // The unsigned product of two 32-bit values fits in 64 bits, and a wrapping long multiply
        // produces exactly those bits; >>> then reads them as unsigned.
        return (int) ((Integer.toUnsignedLong(a) * Integer.toUnsignedLong(b)) >>> FRACTION_BITS);
    }

    /**
     * {@code fxp_div}: {@code (a << 32) / b} carries 32 fraction bits, shifted back by 16.
     * {@code b} must not be zero.
     *
     * @param a a ratio
     * @param b a ratio, not zero
     * @return {@code a / b}
     */
    public static int div(int a, int b) {
        assert b != 0 : "division by zero";
        long quotient = Long.divideUnsigned(Integer.toUnsignedLong(a) << 32, Integer.toUnsignedLong(b));
        return (int) (quotient >>> FRACTION_BITS);
    }

    /**
     * {@code fxp_round_down}: the integer part.
     *
     * @param a a ratio
     * @return the integer part of {@code a}
     */
    public static int roundDown(int a) {
        return a >>> FRACTION_BITS;
    }

    /**
     * {@code fxp_round_nearest}: halves round up.
     *
     * @param a a ratio
     * @return {@code a} rounded to the nearest integer
     */
    public static int roundNearest(int a) {
        return (a >>> FRACTION_BITS) + ((a & FRACTION_MASK) >= HALF ? 1 : 0);
    }

    /**
     * {@code fxp_mul_frac}: approximately {@code x * frac} for a ratio {@code frac <= 1}, with
     * {@code x} read as an unsigned 64-bit count (for the non-negative counts hpa passes, the
     * result is non-negative and at most {@code x}).
     *
     * <p>While {@code x < 2^48} the product cannot overflow, so it multiplies first and keeps full
     * precision. Above that it shifts first, losing only the low 16 bits of a number of at least 48
     * bits: still accurate to about 1 part in 2^32.
     *
     * @param x    a count, read as unsigned
     * @param frac a ratio of at most 1
     * @return about {@code x * frac}
     */
    public static long mulFrac(long x, int frac) {
        assert Integer.compareUnsigned(frac, ONE) <= 0 : "fraction above 1: " + toString(frac);
        long unsignedFrac = Integer.toUnsignedLong(frac);
        if ((x >>> 48) == 0) {
            return (x * unsignedFrac) >>> FRACTION_BITS;
        }
        return (x >>> FRACTION_BITS) * unsignedFrac;
    }

    /**
     * Parses a ratio. Accepts what jemalloc's {@code fxp_parse} accepts, and a few extras:
     * <ul>
     *   <li>digits with an optional fraction: {@code 2}, {@code 0.25}, {@code .25}, but not
     *       {@code 2.} or {@code .}; the integer part must be below 65536;</li>
     *   <li>the same followed by {@code %}, meaning hundredths: {@code 25%} is {@code 0.25}, and
     *       {@code 12.5%} is {@code 0.125};</li>
     *   <li>{@code -1} or {@code unlimited} (any case), meaning {@link #UNLIMITED}.</li>
     * </ul>
     * The whole text must match (fxp_parse stops at the first character it cannot use and reports
     * where; a Java caller passes just the value). The fraction is read to 14 digits and rounded
     * down to 16 bits, as fxp.c does, so binary fractions such as 0.001953125 are exact.
     *
     * @throws IllegalArgumentException quoting {@code text} if it is not one of the above or is out
     *     of range
     * @param text the ratio as written in a setting
     * @return the ratio, or {@link #UNLIMITED}
     */
    public static int parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.equals("-1") || text.equalsIgnoreCase("unlimited")) {
            return UNLIMITED;
        }
        boolean percent = text.endsWith("%");
        int end = percent ? text.length() - 1 : text.length();
        // Bounded during the scan, as in fxp.c, so that a long run of digits cannot overflow.
        long integerLimit = percent ? 100L << FRACTION_BITS : 1L << FRACTION_BITS;

        int pos = 0;
        if (end == 0 || (text.charAt(0) != '.' && !isDigit(text.charAt(0)))) {
            throw badText(text, "must start with a digit or '.'");
        }
        long integer = 0;
        while (pos < end && isDigit(text.charAt(pos))) {
            integer = integer * 10 + (text.charAt(pos) - '0');
            if (integer >= integerLimit) {
                throw badText(text, percent ? "must be below 6553600%" : "must be below 65536");
            }
            pos++;
        }
        // The first FRACTION_DIGITS digits of the fraction, as an integer over 10^14.
        long fraction = 0;
        if (pos < end) {
            if (text.charAt(pos) != '.') {
                throw badText(text, "unexpected '" + text.charAt(pos) + "'");
            }
            pos++;
            if (pos == end || !isDigit(text.charAt(pos))) {
                throw badText(text, "needs a digit after '.'");
            }
            for (int i = 0; i < FRACTION_DIGITS; i++) {
                fraction *= 10;
                if (pos < end && isDigit(text.charAt(pos))) {
                    fraction += text.charAt(pos) - '0';
                    pos++;
                }
            }
            // Digits past the 14th are below 16-bit precision; skip them.
            while (pos < end && isDigit(text.charAt(pos))) {
                pos++;
            }
            if (pos != end) {
                throw badText(text, "unexpected '" + text.charAt(pos) + "'");
            }
        }

        // Write the value as whole + sixteenDigits / 10^16. A percentage shifts the decimal point
        // two places left; a plain number pads its 14 fraction digits to 16. The fraction part of
        // the representation is then (sixteenDigits << 16) / 10^16, rounded down as in fxp.c.
        long whole;
        long sixteenDigits;
        if (percent) {
            whole = integer / 100;
            sixteenDigits = (integer % 100) * 100_000_000_000_000L + fraction;
        } else {
            whole = integer;
            sixteenDigits = fraction * 100;
        }
        return (int) ((whole << FRACTION_BITS) + sixteenDigits / FIVE_POW_16);
    }

    /**
     * {@code fxp_print}: the decimal form, with at least one fraction digit and at most 14, e.g.
     * {@code 1.0}, {@code 0.25}, {@code 0.00006103515625}. Binary fractions of up to 14 bits print
     * exactly and parse back to the same value; others print their 14-digit truncation.
     * {@link #UNLIMITED} prints as the number it is ({@code 65535.99998474121093}); callers that
     * show settings should test for it first.
     *
     * @param fxp a ratio, or {@link #UNLIMITED}
     * @return its decimal form
     */
    public static String toString(int fxp) {
        int integer = fxp >>> FRACTION_BITS;
        long digits = fxp & FRACTION_MASK;
        // Count the zeros between the point and the first significant digit: the step at which
        // fraction * 10^i first reaches one whole (2^16).
        int leadingZeros = 0;
        for (int i = 0; i < FRACTION_DIGITS; i++) {
            if (digits < ONE && digits * 10 >= ONE) {
                leadingZeros = i;
            }
            digits *= 10;
        }
        digits >>>= FRACTION_BITS;
        while (digits > 0 && digits % 10 == 0) {
            digits /= 10;
        }
        return integer + "." + "0".repeat(leadingZeros) + digits;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException badText(String text, String why) {
        return new IllegalArgumentException(
                "not a fixed-point ratio (expected e.g. 0.25, 25% or unlimited): '" + text + "' " + why);
    }
}
