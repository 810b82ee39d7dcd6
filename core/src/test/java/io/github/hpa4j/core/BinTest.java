package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** One bin's slab order (edata_snad_comp) and a bin slab's bounds, on slabs built by hand. */
class BinTest {
    private static final int CLASS_2048 = SmallSizeClasses.sizeToIndex(2048);

    private static BinSlab slab(long address, long serial) {
        return new BinSlab(new Extent(address, Pages.PAGE, 0), CLASS_2048, serial);
    }

    @Test
    void theOldestNonFullSlabIsUsedFirstWhereverItLies() {
        Bin bin = new Bin(CLASS_2048);
        BinSlab olderHigher = slab(1L << 40, 0);
        BinSlab youngerLower = slab(1L << 36, 1);
        bin.nonfull.add(youngerLower);
        bin.nonfull.add(olderHigher);
        assertSame(olderHigher, bin.slabWithRoom(), "serial number first, address only between equals");
        assertEquals(1, bin.nreslabs);
        assertSame(olderHigher, bin.slabWithRoom(), "the current slab has room: it stays");
        assertEquals(1, bin.nreslabs);
    }

    @Test
    void anEmptyBinHasNoSlabWithRoom() {
        Bin bin = new Bin(CLASS_2048);
        assertNull(bin.slabWithRoom());
        assertEquals(0, bin.nreslabs, "finding nothing replaces no slab");
        BinSlab fresh = slab(1L << 36, 0);
        bin.installFresh(fresh);
        assertSame(fresh, bin.slabWithRoom());
        assertEquals(1, bin.nslabs);
        assertEquals(1, bin.curslabs);
        assertEquals(0, bin.nreslabs);
    }

    @Test
    void aBinSlabContainsItsPagesAndNothingBeyond() {
        long base = 1L << 36;
        BinSlab slab = slab(base, 0);
        assertTrue(slab.contains(base));
        assertTrue(slab.contains(base + Pages.PAGE - 1));
        assertFalse(slab.contains(base + Pages.PAGE));
        assertFalse(slab.contains(base - 1));
        assertEquals(0, slab.regionAt(base));
        assertEquals(1, slab.regionAt(base + 2048));
        assertEquals(-1, slab.regionAt(base + 16), "inside a region");
        assertEquals(-1, slab.regionAt(base - 2048), "before the slab");
        assertEquals("BinSlab[0x1000000000, class 2048, 2/2 free]", slab.toString());
    }
}
