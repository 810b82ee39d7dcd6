package io.github.hpa4j.bridge;

import static io.github.hpa4j.bridge.RealMemory.SLAB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.hpa4j.core.Pages;
import org.junit.jupiter.api.Test;

/** A decorator of counted hooks reports the counters of the hooks that made the calls. */
class ForwardingCountedPageHooksTest {
    private final ArenaPageHooks arena = new ArenaPageHooks();
    private final ForwardingCountedPageHooks hooks = new ForwardingCountedPageHooks(arena) {};

    @Test
    void shouldReportTheStatsOfTheCallsItPassedOn() {
        long address = hooks.map(SLAB);
        hooks.purge(address, Pages.PAGE);
        hooks.hugify(address, SLAB);
        hooks.dehugify(address, SLAB);
        hooks.unmap(address, SLAB);

        PageHookStats stats = hooks.stats();
        assertEquals(arena.stats(), stats);
        assertEquals(1, stats.mapCalls());
        assertEquals(SLAB, stats.unmapBytes());
        assertEquals(Pages.PAGE, stats.purgeBytes());
        assertEquals(1, stats.hugifyCalls());
        assertEquals(1, stats.dehugifyCalls());
    }

    @Test
    void shouldBackHugepagesAsTheHooksBehindDo() {
        assertFalse(hooks.backsHugepages());
        assertSame(arena, hooks.delegate());
    }
}
