package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
