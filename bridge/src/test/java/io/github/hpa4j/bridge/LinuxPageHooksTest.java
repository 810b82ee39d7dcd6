package io.github.hpa4j.bridge;

import static io.github.hpa4j.bridge.RealMemory.SLAB;
import static io.github.hpa4j.bridge.RealMemory.smapsOf;
import static io.github.hpa4j.bridge.RealMemory.touchEveryPage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hpa4j.core.Pages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Linux hooks on real memory, checked through /proc/self/smaps. */
class LinuxPageHooksTest {
    private final List<long[]> mapped = new ArrayList<>();
    private LinuxPageHooks hooks;

    @BeforeEach
    void requireLinuxThp() {
        RealMemory.assumeLinuxThp();
    }

    @AfterEach
    void unmapEverything() {
        for (long[] region : mapped) {
            hooks.unmap(region[0], region[1]);
        }
    }

    private long map(HugifyStyle style, long size) {
        if (hooks == null || hooks.style() != style) {
            hooks = new LinuxPageHooks(style);
        }
        long address = hooks.map(size);
        mapped.add(new long[] {address, size});
        return address;
    }

    @Test
    void shouldMapHugepageAlignedMemoryThatReadsBackWhatWasWritten() {
        long address = map(HugifyStyle.ADVISE, 3 * SLAB);

        assertTrue(Pages.isHugepageAligned(address), () -> "0x" + Long.toHexString(address));
        touchEveryPage(address, 3 * SLAB, 42);
        assertTrue(RealMemory.everyPageReads(address, 3 * SLAB, 42, false));
        assertEquals(3 * SLAB, smapsOf(address, 3 * SLAB).size());
    }

    @Test
    void shouldMapWithoutResidentMemoryUntilTouched() {
        long address = map(HugifyStyle.ADVISE, 4 * SLAB);

        assertEquals(0, smapsOf(address, 4 * SLAB).rss());
    }

    @Test
    void shouldReadZeroAndDropRssByThePurgedAmount() {
        long address = map(HugifyStyle.NONE, 2 * SLAB);
        touchEveryPage(address, 2 * SLAB, 7);
        long rssBefore = smapsOf(address, 2 * SLAB).rss();

        hooks.purge(address + SLAB / 2, SLAB);

        assertEquals(2 * SLAB, rssBefore);
        assertEquals(rssBefore - SLAB, smapsOf(address, 2 * SLAB).rss());
        assertTrue(RealMemory.everyPageReads(address + SLAB / 2, SLAB, 0, true));
        assertTrue(RealMemory.everyPageReads(address, SLAB / 2, 7, false), "pages before the purge keep their data");
    }

    @Test
    void shouldFaultInHugepagesOnFirstTouchAfterAdviseHugify() {
        RealMemory.assumeMadvisedFaultsAreHuge();
        long address = map(HugifyStyle.ADVISE, 2 * SLAB);

        hooks.hugify(address, 2 * SLAB);
        touchEveryPage(address, 2 * SLAB, 1);

        SmapsReading reading = smapsOf(address, 2 * SLAB);
        assertEquals(2 * SLAB, reading.anonHugePages());
        assertEquals(1.0, reading.hugepageCoverage());
    }

    @Test
    void shouldCollapseSlabAlreadyBackedByFourKilobytePages() {
        RealMemory.assumeLinuxThp();
        long address = map(HugifyStyle.COLLAPSE, SLAB);
        touchEveryPage(address, SLAB, 3); // no advice yet: 512 small pages under enabled=madvise
        long hugeBefore = smapsOf(address, SLAB).anonHugePages();

        hooks.hugify(address, SLAB);

        SmapsReading after = smapsOf(address, SLAB);
        assertTrue(after.anonHugePages() > hugeBefore, () -> "before " + hugeBefore + ", after " + after);
        assertEquals(SLAB, after.anonHugePages());
        assertEquals(1, hooks.stats().collapses());
        assertEquals(0, hooks.stats().collapseFailures());
        assertTrue(RealMemory.everyPageReads(address, SLAB, 3, false), "collapse keeps contents");
    }

    @Test
    void shouldBackEagerRegionWithHugepagesWithoutAnyHugifyCall() {
        RealMemory.assumeMadvisedFaultsAreHuge();
        long address = map(HugifyStyle.EAGER, 2 * SLAB);

        touchEveryPage(address, 2 * SLAB, 5);

        assertEquals(2 * SLAB, smapsOf(address, 2 * SLAB).anonHugePages());
    }

    @Test
    void shouldLeaveHugepagesToTheKernelModeWithNoneStyle() {
        RealMemory.assumeLinuxThp();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                "madvise".equals(ThpSupport.facts().thpEnabled()),
                "only under enabled=madvise are un-advised faults small");
        long address = map(HugifyStyle.NONE, SLAB);

        hooks.hugify(address, SLAB);
        touchEveryPage(address, SLAB, 5);

        assertEquals(0, smapsOf(address, SLAB).anonHugePages());
        assertEquals(1, hooks.stats().hugifyCalls());
    }

    @Test
    void shouldSplitHugepageWhenPartOfDehugifiedSlabIsPurged() {
        RealMemory.assumeMadvisedFaultsAreHuge();
        long address = map(HugifyStyle.ADVISE, SLAB);
        hooks.hugify(address, SLAB);
        touchEveryPage(address, SLAB, 9);
        SmapsReading huge = smapsOf(address, SLAB);

        hooks.dehugify(address, SLAB);
        SmapsReading dehugified = smapsOf(address, SLAB);
        hooks.purge(address, SLAB / 4);
        SmapsReading purged = smapsOf(address, SLAB);

        assertEquals(SLAB, huge.anonHugePages());
        assertEquals(SLAB, dehugified.anonHugePages(), "MADV_NOHUGEPAGE alone does not split a mapped hugepage");
        assertEquals(0, purged.anonHugePages(), "a partial MADV_DONTNEED splits the PMD mapping");
        assertEquals(SLAB - SLAB / 4, purged.rss());
        assertTrue(RealMemory.everyPageReads(address, SLAB / 4, 0, true));
        assertTrue(RealMemory.everyPageReads(address + SLAB / 4, SLAB - SLAB / 4, 9 + SLAB / 4, false));
    }

    @Test
    void shouldLeaveNothingMappedAfterUnmap() {
        LinuxPageHooks own = new LinuxPageHooks(HugifyStyle.ADVISE);
        long address = own.map(2 * SLAB);
        own.hugify(address, SLAB); // split the VMA: unmap must remove every piece
        touchEveryPage(address, 2 * SLAB, 1);

        own.unmap(address, 2 * SLAB);

        assertEquals(SmapsReading.EMPTY, smapsOf(address, 2 * SLAB));
    }

    @Test
    void shouldCountCallsAndBytesPerOperation() {
        long address = map(HugifyStyle.ADVISE, 2 * SLAB);
        hooks.hugify(address, SLAB);
        hooks.dehugify(address, SLAB);
        hooks.purge(address, Pages.PAGE);
        hooks.purge(address, 2 * Pages.PAGE);

        PageHookStats stats = hooks.stats();

        assertEquals(new PageHookStats(1, 2 * SLAB, 0, 0, 2, 3 * Pages.PAGE, 1, SLAB, 1, SLAB, 0, 0, 0), stats);
    }
}
