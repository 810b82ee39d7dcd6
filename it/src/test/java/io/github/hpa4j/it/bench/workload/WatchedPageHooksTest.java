package io.github.hpa4j.it.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hpa4j.bridge.ArenaPageHooks;
import io.github.hpa4j.bridge.ForwardingCountedPageHooks;
import io.github.hpa4j.core.Pages;
import org.junit.jupiter.api.Test;

class WatchedPageHooksTest {
    private final ArenaPageHooks arena = new ArenaPageHooks();
    private long purgeStampDuringTheCall;
    private long hugifyStampDuringTheCall;
    private final WatchedPageHooks hooks = new WatchedPageHooks(new ForwardingCountedPageHooks(arena) {
        @Override
        public void purge(long address, long size) {
            purgeStampDuringTheCall = hooks.purgeStamp();
            super.purge(address, size);
        }

        @Override
        public void hugify(long address, long size) {
            hugifyStampDuringTheCall = hooks.hugifyStamp();
            super.hugify(address, size);
        }
    });

    @Test
    void shouldTellACallThatRanBetweenTwoStampsOrIsRunningFromNoCall() {
        long address = hooks.map(Pages.HUGEPAGE);
        long purgeBefore = hooks.purgeStamp();
        long hugifyBefore = hooks.hugifyStamp();
        assertFalse(WatchedPageHooks.overlapped(purgeBefore, hooks.purgeStamp()));

        hooks.purge(address, Pages.PAGE);

        assertTrue(WatchedPageHooks.overlapped(purgeBefore, purgeStampDuringTheCall), "running");
        assertTrue(WatchedPageHooks.overlapped(purgeBefore, hooks.purgeStamp()), "ran in between");
        assertFalse(WatchedPageHooks.overlapped(hugifyBefore, hooks.hugifyStamp()), "purges are not hugifies");

        hooks.hugify(address, Pages.HUGEPAGE);

        assertTrue(WatchedPageHooks.overlapped(hugifyBefore, hugifyStampDuringTheCall), "running");
        assertTrue(WatchedPageHooks.overlapped(hugifyBefore, hooks.hugifyStamp()), "ran in between");
        long after = hooks.purgeStamp();
        assertFalse(WatchedPageHooks.overlapped(after, hooks.purgeStamp()));
        hooks.unmap(address, Pages.HUGEPAGE);
        assertEquals(1, hooks.stats().purgeCalls());
        assertEquals(1, hooks.stats().hugifyCalls());
    }
}
