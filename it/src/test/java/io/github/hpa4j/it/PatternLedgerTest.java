package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hpa4j.core.Pages;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The checker the other tests rely on catches what it is there to catch, naming both extents: it is
 * run here on plain off-heap memory with made-up blocks that overlap or get overwritten.
 */
class PatternLedgerTest {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment memory = arena.allocate(8 * Pages.PAGE, Pages.PAGE);
    private final long base = memory.address();
    private final PatternLedger ledger = new PatternLedger();

    @AfterEach
    void free() {
        arena.close();
    }

    /* Pages [first, first + count) of the test's memory. */
    private MemorySegment block(int first, int count) {
        return memory.asSlice(first * Pages.PAGE, count * Pages.PAGE);
    }

    @Test
    void anAllocationHandedOutOverALivePageIsAnOverlapNamingBothExtents() {
        PatternLedger.Tracked first = ledger.claim(block(0, 3));
        AssertionError overlap = assertThrows(AssertionError.class, () -> ledger.claim(block(2, 2)));
        assertTrue(
                overlap.getMessage().contains(first.toString())
                        && overlap.getMessage()
                                .contains("0x" + Long.toHexString(base + 2 * Pages.PAGE) + ", 8192 bytes"),
                overlap.getMessage());
    }

    @Test
    void aForeignPatternInALiveAllocationNamesTheWriter() {
        PatternLedger.Tracked victim = ledger.claim(block(0, 2));
        PatternLedger.Tracked writer = ledger.claim(block(4, 1));
        memory.set(ValueLayout.JAVA_LONG, Pages.PAGE + 16, writer.pattern()); // a stray write from the writer
        AssertionError corruption = assertThrows(AssertionError.class, () -> ledger.release(victim));
        assertTrue(
                corruption.getMessage().contains(victim.toString())
                        && corruption.getMessage().contains(writer.toString()),
                corruption.getMessage());
        assertEquals(3, ledger.claimedPages(), "a corrupt allocation keeps its claim");
    }

    @Test
    void zerosInALiveAllocationAreReportedAsAPurgeOfLivePages() {
        PatternLedger.Tracked victim = ledger.claim(block(0, 4));
        memory.asSlice(3 * Pages.PAGE, Pages.PAGE).fill((byte) 0); // as MADV_DONTNEED would leave it
        AssertionError corruption = assertThrows(AssertionError.class, () -> ledger.verify(victim));
        assertTrue(
                corruption.getMessage().contains("purged")
                        && corruption.getMessage().contains("+0x3000"),
                corruption.getMessage());
    }

    @Test
    void aReleasedAllocationsPagesCanBeClaimedAgain() {
        PatternLedger.Tracked first = ledger.claim(block(0, 2));
        ledger.release(first);
        PatternLedger.Tracked again = ledger.claim(block(0, 2));
        assertTrue(again.pattern() != first.pattern(), "every allocation has its own pattern");
        ledger.verify(again);
        assertEquals(2, ledger.claimedPages());
    }
}
