package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingPageHooksTest {
    @Test
    void everyCallReachesTheDelegateUnchanged() {
        RecordingHooks recording = new RecordingHooks();
        ForwardingPageHooks hooks = new ForwardingPageHooks(recording) {};
        long address = hooks.map(2 * Pages.HUGEPAGE);
        hooks.hugify(address, Pages.HUGEPAGE);
        hooks.dehugify(address, Pages.HUGEPAGE);
        hooks.purge(address + Pages.PAGE, Pages.PAGE);
        hooks.unmap(address, 2 * Pages.HUGEPAGE);
        assertEquals(
                List.of(
                        new RecordingHooks.Call("map", address, 2 * Pages.HUGEPAGE),
                        new RecordingHooks.Call("hugify", address, Pages.HUGEPAGE),
                        new RecordingHooks.Call("dehugify", address, Pages.HUGEPAGE),
                        new RecordingHooks.Call("purge", address + Pages.PAGE, Pages.PAGE),
                        new RecordingHooks.Call("unmap", address, 2 * Pages.HUGEPAGE)),
                recording.calls);
        assertSame(recording, hooks.delegate());
    }

    @Test
    void aFailedCallReachesTheCallerAsTheDelegateThrewIt() {
        RecordingHooks recording = new RecordingHooks();
        recording.failPurge = true;
        ForwardingPageHooks hooks = new ForwardingPageHooks(recording) {};
        PageOperationException e =
                assertThrows(PageOperationException.class, () -> hooks.purge(Pages.HUGEPAGE, Pages.PAGE));
        assertEquals("madvise(MADV_DONTNEED)", e.operation());
    }

    @Test
    void needsHooksToPassTo() {
        assertThrows(NullPointerException.class, () -> new ForwardingPageHooks(null) {});
    }
}
