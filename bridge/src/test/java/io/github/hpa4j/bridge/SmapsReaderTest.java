package io.github.hpa4j.bridge;

import static io.github.hpa4j.bridge.RealMemory.SLAB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmapsReaderTest {
    /** Three VMAs as the kernel prints them: ours (4 MiB, half huge), ours split (2 MiB), a file, vsyscall. */
    private static final String SAMPLE = """
            7f0000000000-7f0000400000 rw-p 00000000 00:00 0\s
            Size:               4096 kB
            KernelPageSize:        4 kB
            MMUPageSize:           4 kB
            Rss:                3072 kB
            Pss:                3072 kB
            Pss_Dirty:          3072 kB
            Shared_Clean:          0 kB
            Private_Dirty:      3072 kB
            Referenced:         3072 kB
            Anonymous:          3072 kB
            AnonHugePages:      2048 kB
            ShmemPmdMapped:        0 kB
            Swap:                  0 kB
            Locked:                0 kB
            THPeligible:           1
            VmFlags: rd wr mr mw me ac nr hg
            7f0000400000-7f0000600000 rw-p 00000000 00:00 0\s
            Size:               2048 kB
            Rss:                 512 kB
            AnonHugePages:         0 kB
            VmFlags: rd wr mr mw me ac nr nh
            55d0c0000000-55d0c0021000 r-xp 00000000 08:01 1234                       /usr/bin/java
            Size:                132 kB
            Rss:                 100 kB
            AnonHugePages:         0 kB
            ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
            Size:                  4 kB
            Rss:                   0 kB
            AnonHugePages:         0 kB
            """;

    private static SmapsReading parse(String text, List<AddressRange> ranges) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return SmapsReader.parse(bytes, bytes.length, ranges == null ? null : SmapsReader.normalize(ranges));
    }

    @Test
    void shouldSumVmasFullyInsideTheRanges() {
        SmapsReading reading = parse(SAMPLE, List.of(new AddressRange(0x7f0000000000L, 6 * 1024 * 1024)));

        assertEquals(new SmapsReading(6L << 20, 3584L << 10, 2L << 20, 0), reading);
        assertEquals((2.0 * 1024) / 3584, reading.hugepageCoverage(), 1e-9);
    }

    @Test
    void shouldProrateRssAndHugePagesOfAVmaStraddlingARangeBoundary() {
        // Only the upper half of the first VMA: Size exact, Rss and AnonHugePages halved.
        SmapsReading reading = parse(SAMPLE, List.of(new AddressRange(0x7f0000200000L, 2 * 1024 * 1024)));

        assertEquals(new SmapsReading(2L << 20, 1536L << 10, 1L << 20, 1), reading);
    }

    @Test
    void shouldIgnoreVmasOutsideTheRangesIncludingKernelHalfAddresses() {
        SmapsReading reading = parse(SAMPLE, List.of(new AddressRange(0x7f0000800000L, 64 * 1024 * 1024)));

        assertEquals(SmapsReading.EMPTY, reading);
        assertEquals(0.0, reading.hugepageCoverage());
    }

    @Test
    void shouldMergeOverlappingAndAdjacentRangesBeforeMatching() {
        long[] bounds = SmapsReader.normalize(List.of(
                new AddressRange(0x5000, 0x1000),
                new AddressRange(0x1000, 0x2000),
                new AddressRange(0x3000, 0x1000),
                new AddressRange(0x2000, 0x1000),
                new AddressRange(0x9000, 0)));

        assertArrayEquals(new long[] {0x1000, 0x4000, 0x5000, 0x6000}, bounds);
        assertEquals(0x2000 + 0x1000, SmapsReader.overlap(bounds, 0x2000, 0x7000), "two ranges inside one VMA add up");
        assertEquals(0, SmapsReader.overlap(bounds, 0x4000, 0x5000), "the gap between ranges");
    }

    @Test
    void shouldReadRollupAsOneVmaCountingEverything() {
        String rollup = """
                5581c4a00000-7ffd5b3fe000 ---p 00000000 00:00 0                          [rollup]
                Rss:              123456 kB
                Pss:              120000 kB
                AnonHugePages:      4096 kB
                """;

        SmapsReading reading = parse(rollup, null);

        assertEquals(123456L << 10, reading.rss());
        assertEquals(4096L << 10, reading.anonHugePages());
    }

    @Test
    void shouldReadTheWholeProcessFromRollupAndStatm() {
        SmapsReading process = new SmapsReader().readProcess();

        assertTrue(process.rss() > 1 << 20, process::toString);
        assertTrue(process.size() > process.rss(), process::toString);
    }

    @Test
    void shouldReadOwnAdjacentRegionsExactlyWhenAllAreGiven() {
        RealMemory.assumeMadvisedFaultsAreHuge();
        LinuxPageHooks hooks = new LinuxPageHooks(HugifyStyle.ADVISE);
        long first = hooks.map(2 * SLAB);
        long second = hooks.map(SLAB);
        try {
            hooks.hugify(first, SLAB); // splits the VMA: three VMAs for two regions, maybe merged
            RealMemory.touchEveryPage(first, 2 * SLAB, 1);
            RealMemory.touchEveryPage(second, SLAB, 1);

            SmapsReader reader = new SmapsReader();
            SmapsReading ours = reader.read(List.of(new AddressRange(first, 2 * SLAB), new AddressRange(second, SLAB)));
            SmapsReading process = reader.readProcess();

            assertEquals(new SmapsReading(3 * SLAB, 3 * SLAB, SLAB, 0), ours);
            assertTrue(process.anonHugePages() >= ours.anonHugePages(), process::toString);
        } finally {
            hooks.unmap(first, 2 * SLAB);
            hooks.unmap(second, SLAB);
        }
    }

    /**
     * A plain private anonymous NORESERVE neighbour (as glibc's malloc arenas are) must not merge with
     * our region: the hooks' MADV_DONTFORK keeps the VMAs apart, so reading our half stays exact.
     * Simulated by clearing the flag (MADV_DOFORK) on the upper half of one of our regions.
     */
    @Test
    void shouldKeepOwnVmasApartFromPlainAnonymousNeighbours() {
        RealMemory.assumeLinuxThp();
        LinuxPageHooks hooks = new LinuxPageHooks(HugifyStyle.NONE);
        long address = hooks.map(2 * SLAB);
        try {
            assertEquals(0, LinuxSyscalls.INSTANCE.madvise(address + SLAB, SLAB, Syscalls.MADV_DOFORK));
            RealMemory.touchEveryPage(address, 2 * SLAB, 1);

            SmapsReading ours = new SmapsReader().read(List.of(new AddressRange(address, SLAB)));

            assertEquals(new SmapsReading(SLAB, SLAB, 0, 0), ours);
        } finally {
            hooks.unmap(address, 2 * SLAB);
        }
    }
}
