package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CacheBinsTest {
    private static final long SMALL_MAX = SizeRouter.BELOW_A_PAGE;
    private final CacheBins bins = new CacheBins(SMALL_MAX, 16 * Pages.PAGE);

    @Test
    void everyRequestGoesToTheBinWhoseItemsFitIt() {
        int last = CacheBins.NONE;
        for (long bytes = 1; bytes <= 16 * Pages.PAGE; bytes++) {
            int bin = bins.ofRequest(bytes);
            assertTrue(bin >= 1 && bin <= bins.last(), bytes + " B got bin " + bin);
            long item = bins.itemBytes(bin);
            assertTrue(item >= bytes, bytes + " B in items of " + item);
            assertTrue(bin >= last, "bins grow with the size at " + bytes);
            if (bin > 1) {
                assertTrue(bins.itemBytes(bin - 1) < bytes, bytes + " B also fits the bin below");
            }
            last = bin;
        }
        assertEquals(bins.last(), last, "the largest request takes the last bin");
    }

    @Test
    void smallClassesComeFirstThenOneBinPerPageCount() {
        int smallBins = SmallSizeClasses.sizeToIndex(SMALL_MAX) + 1;
        assertEquals(smallBins + 16, bins.last());
        for (int bin = 1; bin <= smallBins; bin++) {
            assertTrue(bins.small(bin));
            assertEquals(SmallSizeClasses.indexToSize(bin - 1), bins.itemBytes(bin));
        }
        for (int pages = 1; pages <= 16; pages++) {
            assertFalse(bins.small(smallBins + pages));
            assertEquals((long) pages << Pages.LG_PAGE, bins.itemBytes(smallBins + pages));
        }
        assertEquals(Long.MAX_VALUE, bins.itemBytes()[CacheBins.NONE], "no bound admits an item of no class");
    }

    @Test
    void anAllocationGoesBackToTheBinItWasServedFrom() {
        for (int bin = 1; bin <= bins.last(); bin++) {
            assertEquals(bin, bins.ofUsable(bins.itemBytes(bin)), "usable size " + bins.itemBytes(bin));
            assertEquals(bin, bins.ofRequest(bins.itemBytes(bin)));
        }
    }

    @Test
    void anAlignedRequestGoesToABinWhoseEveryItemIsSoAligned() {
        for (long alignment = 2; alignment <= Pages.PAGE; alignment <<= 1) {
            for (long bytes = 1; bytes <= 3 * Pages.PAGE; bytes += 7) {
                int bin = bins.ofRequest(bytes, alignment);
                assertTrue(bin >= 1, bytes + " B at " + alignment);
                long item = bins.itemBytes(bin);
                assertTrue(item >= bytes, bytes + " B at " + alignment + " in items of " + item);
                // A slab is page-aligned and its regions lie item bytes apart: each is aligned to the
                // item size's lowest set bit.
                assertTrue(Long.lowestOneBit(item) >= alignment, item + " B items at " + alignment);
            }
        }
        assertEquals(bins.ofRequest(100), bins.ofRequest(100, 1), "alignment 1 is no alignment");
    }

    @Test
    void badOrLargeAlignmentsAreLeftToTheShard() {
        for (long alignment : new long[] {0, -8, 3, 48, 2 * Pages.PAGE, Long.MIN_VALUE}) {
            assertEquals(CacheBins.NONE, bins.ofRequest(64, alignment), "alignment " + alignment);
        }
        assertEquals(CacheBins.NONE, bins.ofRequest(17 * Pages.PAGE, 64), "a large size");
    }

    @Test
    void sizesNoBinKeepsAreNone() {
        assertEquals(CacheBins.NONE, bins.ofRequest(0));
        assertEquals(CacheBins.NONE, bins.ofRequest(-1));
        assertEquals(CacheBins.NONE, bins.ofRequest(16 * Pages.PAGE + 1));
        assertEquals(CacheBins.NONE, bins.ofUsable(17 * Pages.PAGE), "a large extent");
        assertEquals(CacheBins.NONE, bins.ofUsable(Pages.PAGE + 16), "not a page multiple");
        assertEquals(CacheBins.NONE, bins.ofUsable(SmallSizeClasses.indexToSize(3) + 1), "not a class size");
        assertEquals(CacheBins.NONE, bins.ofUsable(0));
    }

    @Test
    void badBoundsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CacheBins(Pages.PAGE, 16 * Pages.PAGE));
        assertThrows(IllegalArgumentException.class, () -> new CacheBins(8, 16 * Pages.PAGE));
        assertThrows(IllegalArgumentException.class, () -> new CacheBins(SMALL_MAX, Pages.PAGE - 1));
    }

    @Test
    void theBoundsAreInclusiveAtTheirEnds() {
        CacheBins tight = new CacheBins(SmallSizeClasses.QUANTUM, Pages.PAGE);
        assertEquals(2, tight.last(), "one small class and one page bin");
        assertTrue(tight.small(1));
        assertFalse(tight.small(2));
        assertEquals(Pages.PAGE, tight.itemBytes(2));
        assertEquals(1, tight.ofUsable(SmallSizeClasses.QUANTUM));
        assertEquals(CacheBins.NONE, tight.ofUsable(32), "above the small max");
        assertEquals(2, tight.ofRequest(17), "above the small max: a whole page");
    }

    @Test
    void anAlignedRequestTakesTheSmallestBinThatServesIt() {
        int smallBins = SmallSizeClasses.sizeToIndex(SMALL_MAX) + 1;
        assertEquals(bins.ofRequest(112), bins.ofRequest(100, 16), "100 B at 16 is the 112 B class");
        assertEquals(bins.ofRequest(128), bins.ofRequest(100, 64), "rounded to 128, a class of its own");
        assertEquals(bins.ofRequest(SMALL_MAX), bins.ofRequest(SMALL_MAX, 512), "the small max itself");
        assertEquals(smallBins + 1, bins.ofRequest(SMALL_MAX + 1, 16), "above it, a whole page");
        assertEquals(bins.last(), bins.ofRequest(16 * Pages.PAGE, 64), "the largest page bin at an alignment");
        assertEquals(CacheBins.NONE, bins.ofRequest(0, 64));
        assertEquals(CacheBins.NONE, bins.ofRequest(-5, 64));
        assertEquals(CacheBins.NONE, bins.ofRequest(16 * Pages.PAGE + 1, 64));
    }
}
