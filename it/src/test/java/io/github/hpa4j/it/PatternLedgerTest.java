package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.core.Pages;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The checker the other tests rely on catches what it is there to catch, naming both extents: it is
 * run here on plain off-heap memory with made-up allocations that overlap or get overwritten.
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

    @Test
    void anAllocationHandedOutOverALivePageIsAnOverlapNamingBothExtents() {
        Allocation first = new Allocation(base, 3 * Pages.PAGE, 0);
        Allocation second = new Allocation(base + 2 * Pages.PAGE, 2 * Pages.PAGE, 1);
        ledger.claim(first);
        AssertionError overlap = assertThrows(AssertionError.class, () -> ledger.claim(second));
        assertTrue(overlap.getMessage().contains(first.toString()) && overlap.getMessage().contains(second.toString()),
                overlap.getMessage());
    }

    @Test
    void aForeignPatternInALiveAllocationNamesTheWriter() {
        PatternLedger.Tracked victim = ledger.claim(new Allocation(base, 2 * Pages.PAGE, 0));
        PatternLedger.Tracked writer = ledger.claim(new Allocation(base + 4 * Pages.PAGE, Pages.PAGE, 0));
        memory.set(ValueLayout.JAVA_LONG, Pages.PAGE + 16, writer.pattern()); // a stray write from the writer
        AssertionError corruption = assertThrows(AssertionError.class, () -> ledger.release(victim));
        assertTrue(corruption.getMessage().contains(victim.toString())
                && corruption.getMessage().contains(writer.toString()), corruption.getMessage());
        assertEquals(3, ledger.claimedPages(), "a corrupt allocation keeps its claim");
    }

    @Test
    void zerosInALiveAllocationAreReportedAsAPurgeOfLivePages() {
        PatternLedger.Tracked victim = ledger.claim(new Allocation(base, 4 * Pages.PAGE, 0));
        memory.asSlice(3 * Pages.PAGE, Pages.PAGE).fill((byte) 0); // as MADV_DONTNEED would leave it
        AssertionError corruption = assertThrows(AssertionError.class, () -> ledger.verify(victim));
        assertTrue(corruption.getMessage().contains("purged") && corruption.getMessage().contains("+0x3000"),
                corruption.getMessage());
    }

    @Test
    void aReleasedAllocationsPagesCanBeClaimedAgain() {
        PatternLedger.Tracked first = ledger.claim(new Allocation(base, 2 * Pages.PAGE, 0));
        ledger.release(first);
        PatternLedger.Tracked again = ledger.claim(new Allocation(base, 2 * Pages.PAGE, 0));
        assertTrue(again.pattern() != first.pattern(), "every allocation has its own pattern");
        ledger.verify(again);
        assertEquals(2, ledger.claimedPages());
    }
}
