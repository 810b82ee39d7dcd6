package io.github.hpa4j.bridge;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.hpa4j.core.Pages;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/** Helpers for tests on real memory. */
final class RealMemory {
    static final long SLAB = Pages.HUGEPAGE;
    private static final SmapsReader SMAPS = new SmapsReader();

    private RealMemory() {}

    static void assumeLinuxThp() {
        assumeTrue(ThpSupport.isAvailable(), () -> "needs Linux THP: " + ThpSupport.unavailabilityCause());
    }

    /**
     * First-touch hugepages need THP for madvised ranges and synchronous compaction for them
     * (defrag madvise/always/defer+madvise), as on the build machine.
     */
    static void assumeMadvisedFaultsAreHuge() {
        assumeLinuxThp();
        PlatformFacts f = ThpSupport.facts();
        assumeTrue(
                List.of("madvise", "always").contains(f.thpEnabled()),
                "THP enabled must be madvise or always, is " + f.thpEnabled());
        assumeTrue(
                List.of("madvise", "always", "defer+madvise").contains(f.thpDefrag()),
                "THP defrag must compact madvised faults synchronously, is " + f.thpDefrag());
    }

    /** Writes one long per page, so every page is faulted in. */
    static void touchEveryPage(long address, long size, long value) {
        MemorySegment segment = Extents.segmentOf(address, size);
        for (long offset = 0; offset < size; offset += Pages.PAGE) {
            segment.set(ValueLayout.JAVA_LONG, offset, value + offset);
        }
    }

    static boolean everyPageReads(long address, long size, long expectedBase, boolean zero) {
        MemorySegment segment = Extents.segmentOf(address, size);
        for (long offset = 0; offset < size; offset += Pages.PAGE) {
            long expected = zero ? 0 : expectedBase + offset;
            if (segment.get(ValueLayout.JAVA_LONG, offset) != expected) {
                return false;
            }
        }
        return true;
    }

    static SmapsReading smapsOf(long address, long size) {
        return SMAPS.read(List.of(new AddressRange(address, size)));
    }
}
