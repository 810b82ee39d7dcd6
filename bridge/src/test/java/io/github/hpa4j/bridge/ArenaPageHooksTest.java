package io.github.hpa4j.bridge;

import static io.github.hpa4j.bridge.RealMemory.SLAB;
import static io.github.hpa4j.bridge.RealMemory.everyPageReads;
import static io.github.hpa4j.bridge.RealMemory.touchEveryPage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hpa4j.core.Pages;
import org.junit.jupiter.api.Test;

/** The portable fallback keeps the same contract as the Linux hooks. */
class ArenaPageHooksTest {
    private final ArenaPageHooks hooks = new ArenaPageHooks();

    @Test
    void shouldMapHugepageAlignedMemoryThatReadsBackWhatWasWritten() {
        long address = hooks.map(2 * SLAB);

        touchEveryPage(address, 2 * SLAB, 11);

        assertTrue(Pages.isHugepageAligned(address));
        assertTrue(everyPageReads(address, 2 * SLAB, 11, false));
        hooks.unmap(address, 2 * SLAB);
    }

    @Test
    void shouldReadZeroAfterPurgeAndKeepTheRest() {
        long address = hooks.map(SLAB);
        touchEveryPage(address, SLAB, 11);

        hooks.purge(address + Pages.PAGE, 3 * Pages.PAGE);

        assertTrue(everyPageReads(address + Pages.PAGE, 3 * Pages.PAGE, 0, true));
        assertTrue(everyPageReads(address, Pages.PAGE, 11, false));
        assertTrue(everyPageReads(address + 4 * Pages.PAGE, SLAB - 4 * Pages.PAGE, 11 + 4 * Pages.PAGE, false));
        hooks.unmap(address, SLAB);
    }

    @Test
    void shouldCountEveryOperationIncludingNoOpHugify() {
        long address = hooks.map(2 * SLAB);
        hooks.hugify(address, SLAB);
        hooks.dehugify(address, SLAB);
        hooks.purge(address, Pages.PAGE);
        hooks.unmap(address, 2 * SLAB);

        assertEquals(
                new PageHookStats(1, 2 * SLAB, 1, 2 * SLAB, 1, Pages.PAGE, 1, SLAB, 1, SLAB, 0, 0, 0), hooks.stats());
        assertFalse(hooks.backsHugepages());
    }

    @Test
    void shouldUnmapAMappingPieceByPieceAsShardsAndEdenDo() {
        long address = hooks.map(3 * SLAB);
        hooks.unmap(address + SLAB, SLAB);
        assertThrows(
                IllegalPageRangeException.class,
                () -> hooks.purge(address + SLAB, Pages.PAGE),
                "an unmapped piece is refused");
        assertThrows(IllegalPageRangeException.class, () -> hooks.unmap(address + SLAB, SLAB), "unmapped once only");
        touchEveryPage(address, SLAB, 3);
        assertTrue(everyPageReads(address, SLAB, 3, false), "the rest of the mapping stays usable");
        hooks.unmap(address, SLAB);
        hooks.unmap(address + 2 * SLAB, SLAB);
        assertThrows(
                IllegalPageRangeException.class,
                () -> hooks.hugify(address + 2 * SLAB, SLAB),
                "the mapping is gone once every piece is unmapped");
    }

    @Test
    void shouldRefuseUnknownAndOutsideRanges() {
        long address = hooks.map(SLAB);

        assertThrows(IllegalPageRangeException.class, () -> hooks.unmap(address + SLAB, SLAB));
        assertThrows(IllegalPageRangeException.class, () -> hooks.purge(address + SLAB - Pages.PAGE, 2 * Pages.PAGE));
        assertThrows(IllegalPageRangeException.class, () -> hooks.hugify(address + 2 * SLAB, SLAB));
        assertThrows(IllegalPageRangeException.class, () -> hooks.map(SLAB / 2));
        assertEquals(4, hooks.stats().errors());

        hooks.unmap(address, SLAB);
        assertThrows(
                IllegalPageRangeException.class, () -> hooks.purge(address, Pages.PAGE), "unmapped ranges are refused");
    }
}
