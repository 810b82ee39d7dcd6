package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * Checks the closed-form psz functions against the class list itself: each answer is what a
 * linear scan over {@code pind2sz(0..63)} gives.
 */
class PageSizeClassesTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    /** Brute-force range: every page multiple up to 64 MiB, 32 hugepages. */
    private static final long ORACLE_LIMIT = 64 * MIB;

    @Test
    void shouldStartWithFourPageSpacedClassesThenDoubleTheStepEveryFourClasses() {
        long[] expected = {
            4 * KIB, 8 * KIB, 12 * KIB, 16 * KIB,
            20 * KIB, 24 * KIB, 28 * KIB, 32 * KIB,
            40 * KIB, 48 * KIB, 56 * KIB, 64 * KIB,
            80 * KIB, 96 * KIB, 112 * KIB, 128 * KIB,
            160 * KIB, 192 * KIB, 224 * KIB, 256 * KIB
        };
        long[] actual = new long[expected.length];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = PageSizeClasses.pind2sz(i);
        }
        assertArrayEquals(expected, actual);
        assertEquals(Pages.PAGE, PageSizeClasses.pind2sz(0));
        assertEquals(1280 * KIB, PageSizeClasses.pind2sz(28));
        assertEquals(Pages.HUGEPAGE, PageSizeClasses.pind2sz(31));
        assertEquals(320 * MIB, PageSizeClasses.pind2sz(60));
        assertEquals(512 * MIB, PageSizeClasses.pind2sz(63));
        assertEquals(512 * MIB, PageSizeClasses.MAX_SIZE);
        assertEquals(64, PageSizeClasses.NPSIZES);
    }

    @Test
    void shouldMatchTheGroupDescriptionForAllSixtyFourClasses() {
        // Group 0 is 1..4 pages; group g >= 1 is 2^(13+g) plus 1..4 steps of 2^(11+g).
        for (int pind = 0; pind < PageSizeClasses.NPSIZES; pind++) {
            int group = pind / 4;
            int k = pind % 4 + 1;
            long expected = group == 0 ? k * Pages.PAGE : (1L << (13 + group)) + k * (1L << (11 + group));
            assertEquals(expected, PageSizeClasses.pind2sz(pind), "class " + pind);
        }
    }

    @Test
    void shouldMapEveryClassToItsIndexAndBack() {
        for (int pind = 0; pind < PageSizeClasses.NPSIZES; pind++) {
            long size = PageSizeClasses.pind2sz(pind);
            assertEquals(pind, PageSizeClasses.psz2ind(size), "class " + pind + " = " + size);
            assertEquals(size, PageSizeClasses.psz2u(size), "class " + pind + " is its own usable size");
            assertEquals(size, PageSizeClasses.quantizeFloor(size));
            assertEquals(size, PageSizeClasses.quantizeCeil(size));
            assertTrue(Pages.isPageAligned(size), "class " + pind + " is page aligned");
        }
    }

    @Test
    void shouldGrowStrictlyAndAtMostByAQuarterAfterTheFirstGroup() {
        for (int pind = 1; pind < PageSizeClasses.NPSIZES; pind++) {
            long prev = PageSizeClasses.pind2sz(pind - 1);
            long size = PageSizeClasses.pind2sz(pind);
            assertTrue(size > prev, "class " + pind);
            if (pind >= PageSizeClasses.NGROUP) {
                // Four classes per doubling: each step is at most a quarter of the previous class.
                assertTrue(size - prev <= prev / 4, "class " + pind + " steps by " + (size - prev) + " from " + prev);
            }
        }
    }

    @Test
    void shouldRoundAnySizeUpToTheSmallestClassThatHoldsIt() {
        // Every byte count up to 256 KiB, and a strided sweep beyond: psz2ind and psz2u round up.
        for (long size = 1; size <= ORACLE_LIMIT; size += size < 256 * KIB ? 1 : 511) {
            int expected = bruteCeilIndex(size);
            int ind = PageSizeClasses.psz2ind(size);
            long usize = PageSizeClasses.psz2u(size);
            if (ind != expected || usize != PageSizeClasses.pind2sz(expected)) {
                fail("size " + size + ": psz2ind " + ind + ", psz2u " + usize + "; expected class " + expected);
            }
        }
    }

    @Test
    void shouldQuantizeEveryPageMultipleLikeBruteForce() {
        for (long size = Pages.PAGE; size <= ORACLE_LIMIT; size += Pages.PAGE) {
            assertQuantizeMatchesBruteForce(size);
        }
    }

    @Test
    void shouldQuantizeAroundEveryClassBoundaryLikeBruteForce() {
        for (int pind = 0; pind < PageSizeClasses.NPSIZES; pind++) {
            long size = PageSizeClasses.pind2sz(pind);
            for (long delta = -2 * Pages.PAGE; delta <= 2 * Pages.PAGE; delta += Pages.PAGE) {
                long s = size + delta;
                if (s > 0 && s <= PageSizeClasses.MAX_SIZE) {
                    assertQuantizeMatchesBruteForce(s);
                }
            }
        }
    }

    @Test
    void shouldFileEverySlabFreeRangeInTheFirstThirtyTwoBins() {
        // psset's use: sz_psz2ind(sz_psz_quantize_floor(npages << LG_PAGE)) for 1..512 pages.
        int prev = 0;
        for (int npages = 1; npages <= Pages.HUGEPAGE_PAGES; npages++) {
            int pind = PageSizeClasses.psz2ind(PageSizeClasses.quantizeFloor((long) npages << Pages.LG_PAGE));
            assertTrue(pind >= prev && pind <= 31, npages + " pages -> bin " + pind);
            prev = pind;
        }
        assertEquals(31, prev);
        assertEquals(7, PageSizeClasses.psz2ind(PageSizeClasses.quantizeFloor(9 * Pages.PAGE)));
        assertEquals(8, PageSizeClasses.psz2ind(PageSizeClasses.quantizeCeil(9 * Pages.PAGE)));
    }

    @Test
    void shouldRejectSizesAndIndicesOutsideTheSixtyFourClasses() {
        long max = PageSizeClasses.MAX_SIZE;
        assertThrows(IllegalArgumentException.class, () -> PageSizeClasses.psz2ind(0));
        assertThrows(IllegalArgumentException.class, () -> PageSizeClasses.psz2ind(-Pages.PAGE));
        assertThrows(IllegalArgumentException.class, () -> PageSizeClasses.psz2ind(max + 1));
        assertThrows(IllegalArgumentException.class, () -> PageSizeClasses.psz2u(0));
        assertThrows(IllegalArgumentException.class, () -> PageSizeClasses.psz2u(max + 1));
        assertThrows(IllegalArgumentException.class, () -> PageSizeClasses.pind2sz(-1));
        assertThrows(IllegalArgumentException.class, () -> PageSizeClasses.pind2sz(PageSizeClasses.NPSIZES));
        assertThrows(IllegalArgumentException.class, () -> PageSizeClasses.quantizeFloor(0));
        assertThrows(IllegalArgumentException.class, () -> PageSizeClasses.quantizeFloor(Pages.PAGE + 1));
        assertThrows(IllegalArgumentException.class, () -> PageSizeClasses.quantizeFloor(max + Pages.PAGE));
        assertThrows(IllegalArgumentException.class, () -> PageSizeClasses.quantizeCeil(3 * KIB));
        assertThrows(IllegalArgumentException.class, () -> PageSizeClasses.quantizeCeil(max + Pages.PAGE));
        assertEquals(63, PageSizeClasses.psz2ind(max));
        assertEquals(max, PageSizeClasses.quantizeFloor(max));
        assertEquals(max, PageSizeClasses.quantizeCeil(max));
    }

    private static void assertQuantizeMatchesBruteForce(long size) {
        long floor = PageSizeClasses.quantizeFloor(size);
        long ceil = PageSizeClasses.quantizeCeil(size);
        long expectedFloor = PageSizeClasses.pind2sz(bruteFloorIndex(size));
        long expectedCeil = PageSizeClasses.pind2sz(bruteCeilIndex(size));
        if (floor != expectedFloor || ceil != expectedCeil) {
            fail("size " + size + ": floor " + floor + ", ceil " + ceil + "; expected " + expectedFloor + ", "
                    + expectedCeil);
        }
    }

    /** The smallest class {@code >= size}, by linear scan. */
    private static int bruteCeilIndex(long size) {
        for (int pind = 0; pind < PageSizeClasses.NPSIZES; pind++) {
            if (PageSizeClasses.pind2sz(pind) >= size) {
                return pind;
            }
        }
        throw new AssertionError("no class holds " + size);
    }

    /** The largest class {@code <= size}, by linear scan. */
    private static int bruteFloorIndex(long size) {
        for (int pind = PageSizeClasses.NPSIZES - 1; pind >= 0; pind--) {
            if (PageSizeClasses.pind2sz(pind) <= size) {
                return pind;
            }
        }
        throw new AssertionError("no class fits in " + size);
    }

    @Test
    void aPageIsItsOwnFloor() {
        assertEquals(Pages.PAGE, PageSizeClasses.quantizeFloor(Pages.PAGE));
        assertEquals(2 * Pages.PAGE, PageSizeClasses.quantizeFloor(2 * Pages.PAGE));
    }
}
