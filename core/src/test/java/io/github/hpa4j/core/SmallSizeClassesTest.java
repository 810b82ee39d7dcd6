package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmallSizeClassesTest {
    @Test
    void shouldStartWithJemallocsQuantumSpacedClasses() {
        int[] expected = {
            16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536,
            1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192, 10240, 12288, 14336
        };
        assertEquals(expected.length, SmallSizeClasses.NBINS);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], SmallSizeClasses.indexToSize(i), "class " + i);
        }
        assertEquals(SmallSizeClasses.SMALL_MAX, SmallSizeClasses.indexToSize(SmallSizeClasses.NBINS - 1));
    }

    @Test
    void shouldMatchTheComputedIndexToSizeForEveryClass() {
        for (int i = 0; i < SmallSizeClasses.NBINS; i++) {
            assertEquals(SmallSizeClasses.indexToSizeCompute(i), SmallSizeClasses.indexToSize(i), "class " + i);
        }
    }

    @Test
    void shouldMapEverySmallSizeToTheSmallestClassThatHoldsIt() {
        int index = 0;
        for (long size = 1; size <= SmallSizeClasses.SMALL_MAX; size++) {
            while (SmallSizeClasses.indexToSize(index) < size) {
                index++;
            }
            assertEquals(index, SmallSizeClasses.sizeToIndex(size), "size " + size);
            assertEquals(index, SmallSizeClasses.sizeToIndexCompute(size), "computed, size " + size);
        }
    }

    @Test
    void shouldRefuseSizesOutsideTheSmallRange() {
        for (long size : new long[] {0, -1, SmallSizeClasses.SMALL_MAX + 1, Long.MAX_VALUE}) {
            InvalidSizeException e = assertThrows(InvalidSizeException.class, () -> SmallSizeClasses.sizeToIndex(size));
            assertEquals(size, e.requested());
            assertFalse(SmallSizeClasses.isSmall(size));
        }
    }

    @Test
    void shouldChooseTheSmallestSlabThatWastesNothing() {
        for (int i = 0; i < SmallSizeClasses.NBINS; i++) {
            int size = SmallSizeClasses.indexToSize(i);
            int pages = SmallSizeClasses.slabPages(i);
            long bytes = pages * Pages.PAGE;
            assertEquals(0, bytes % size, "class " + size + " wastes part of its slab");
            for (int fewer = 1; fewer < pages; fewer++) {
                assertTrue((fewer * Pages.PAGE) % size != 0, "class " + size + " fits " + fewer + " pages exactly");
            }
            assertTrue(pages <= 2 * SmallSizeClasses.NGROUP - 1, "class " + size + " takes " + pages + " pages");
            assertEquals(bytes / size, SmallSizeClasses.regionsPerSlab(i));
        }
        assertEquals(7, SmallSizeClasses.MAX_SLAB_PAGES);
        assertEquals(256, SmallSizeClasses.MAX_REGS);
        assertEquals(5, SmallSizeClasses.slabPages(SmallSizeClasses.sizeToIndex(80)));
        assertEquals(1, SmallSizeClasses.slabPages(SmallSizeClasses.sizeToIndex(4096)));
    }

    @Test
    void shouldAlignRegionsWhenTheSizeIsRoundedToTheAlignment() {
        for (long alignment = 1; alignment <= Pages.PAGE; alignment <<= 1) {
            for (long size = 1; size <= SmallSizeClasses.SMALL_MAX; size += 37) {
                long usable = SmallSizeClasses.alignedUsableSize(size, alignment);
                if (usable < 0) {
                    assertTrue(((size + alignment - 1) & -alignment) > SmallSizeClasses.SMALL_MAX);
                    continue;
                }
                assertTrue(usable >= size);
                int index = SmallSizeClasses.sizeToIndex(usable);
                // Every region of the slab starts at a multiple of the alignment.
                for (int r = 0; r < SmallSizeClasses.regionsPerSlab(index); r++) {
                    assertEquals(0, ((long) r * usable) % alignment, "size " + size + " alignment " + alignment);
                }
            }
        }
        assertEquals(-1, SmallSizeClasses.alignedUsableSize(64, 2 * Pages.PAGE));
    }

    @Test
    void shouldComputeTheSlabAsTheLeastCommonMultipleOfPageAndRegion() {
        // sc.c's slab_size for some classes and region sizes, checked against the table as well.
        assertEquals(1, SmallSizeClasses.slabSizeCompute(16));
        assertEquals(5, SmallSizeClasses.slabSizeCompute(80));
        assertEquals(3, SmallSizeClasses.slabSizeCompute(96));
        assertEquals(7, SmallSizeClasses.slabSizeCompute(112));
        assertEquals(1, SmallSizeClasses.slabSizeCompute(4096));
        assertEquals(5, SmallSizeClasses.slabSizeCompute(5120));
        assertEquals(7, SmallSizeClasses.slabSizeCompute(14336));
        for (int i = 0; i < SmallSizeClasses.NBINS; i++) {
            assertEquals(
                    SmallSizeClasses.slabPages(i),
                    SmallSizeClasses.slabSizeCompute(SmallSizeClasses.indexToSize(i)),
                    "class " + i);
        }
    }

    @Test
    void shouldServeAPageAlignmentFromTheClassesOfWholePages() {
        assertEquals(Pages.PAGE, SmallSizeClasses.alignedUsableSize(100, Pages.PAGE));
        assertEquals(3 * Pages.PAGE, SmallSizeClasses.alignedUsableSize(2 * Pages.PAGE + 1, Pages.PAGE));
        assertEquals(-1, SmallSizeClasses.alignedUsableSize(100, 2 * Pages.PAGE));
        assertEquals(-1, SmallSizeClasses.alignedUsableSize(0, 16));
    }
}
