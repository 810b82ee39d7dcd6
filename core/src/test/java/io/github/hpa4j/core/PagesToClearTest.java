package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PagesToClearTest {
    @Test
    void shouldMergeRunsThatTouch() {
        PagesToClear p =
                new PagesToClear.Builder().add(0, 2).add(2, 3).add(7, 1).build();
        assertEquals(2, p.runCount());
        assertEquals(5, p.runPages(0));
        assertEquals(7, p.runPage(1));
        assertEquals(6, p.pages());
        assertTrue(p.mustClear(4));
        assertFalse(p.mustClear(5));
        assertEquals(7 * Pages.PAGE, p.runOffset(1));
    }

    @Test
    void shouldRefuseRunsOutOfOrder() {
        PagesToClear.Builder b = new PagesToClear.Builder().add(4, 2);
        assertThrows(IllegalArgumentException.class, () -> b.add(5, 1));
    }

    @Test
    void shouldShareTheEmptyPlan() {
        assertSame(PagesToClear.NONE, new PagesToClear.Builder().add(3, 0).build());
        assertEquals(
                PagesToClear.all(9),
                new PagesToClear.Builder().add(0, 4).add(4, 5).build());
    }

    @Test
    void plansAreEqualOnlyWithTheSameRuns() {
        PagesToClear a = new PagesToClear.Builder().add(0, 2).add(7, 1).build();
        PagesToClear same =
                new PagesToClear.Builder().add(0, 1).add(1, 1).add(7, 1).build();
        assertEquals(a, same);
        assertEquals(a.hashCode(), same.hashCode());
        assertNotEquals(a, new PagesToClear.Builder().add(0, 2).add(8, 1).build());
        assertNotEquals(a, new PagesToClear.Builder().add(0, 2).build());
        assertNotEquals(a, PagesToClear.NONE);
        assertNotEquals(PagesToClear.all(2), PagesToClear.all(3));
        assertEquals("PagesToClear[0+2, 7+1]", a.toString());
        assertEquals("PagesToClear[]", PagesToClear.NONE.toString());
        assertTrue(PagesToClear.NONE.none());
        assertFalse(a.none());
        assertEquals(
                PagesToClear.NONE.hashCode(), new PagesToClear.Builder().build().hashCode());
    }

    @Test
    void aRunPastTheLastIsOutOfBounds() {
        PagesToClear a = PagesToClear.all(4);
        assertEquals(0, a.runPage(0));
        assertThrows(IndexOutOfBoundsException.class, () -> a.runPage(1));
        assertThrows(IndexOutOfBoundsException.class, () -> a.runPages(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> PagesToClear.NONE.runPage(0));
    }

    @Test
    void shouldKeepEveryRunOfALongPlan() {
        PagesToClear.Builder b = new PagesToClear.Builder();
        for (int run = 0; run < 9; run++) {
            b.add(3 * run, 1);
        }
        PagesToClear p = b.build();
        assertEquals(9, p.runCount());
        for (int run = 0; run < 9; run++) {
            assertEquals(3 * run, p.runPage(run));
            assertEquals(1, p.runPages(run));
        }
    }
}
