package io.github.hpa4j.bridge;

import io.github.hpa4j.core.Pages;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures what each page hook costs per 2 MiB on this machine and the hugepage coverage each
 * {@link HugifyStyle} reaches. Not a test: run it on a quiet machine:
 *
 * <pre>
 * mvn -B -q -pl bridge -am -Pbench -DskipTests verify
 * </pre>
 *
 * Wall-clock means over {@value #SLABS} slabs after one warm-up round; page faults and syscalls
 * dominate, so JIT effects are small. Every region is unmapped before the next measurement.
 */
public final class PageCostBenchmark {
    private static final int SLABS = 64;
    private static final long SLAB = Pages.HUGEPAGE;
    private static final SmapsReader SMAPS = new SmapsReader();

    private PageCostBenchmark() {}

    public static void main(String[] args) {
        ThpSupport.ensureAvailability();
        PlatformFacts facts = ThpSupport.facts();
        System.out.printf(
                Locale.ROOT,
                "hpa4j bridge benchmark: %s %s, THP enabled=%s defrag=%s, %d slabs of 2 MiB per measurement%n",
                facts.osName(),
                facts.osArch(),
                facts.thpEnabled(),
                facts.thpDefrag(),
                SLABS);
        costs(SLABS / 8, null); // warm-up: JIT the touch loop and the downcall stubs
        // Two passes: in a VM the first touch of guest memory the host never backed costs extra,
        // the second pass reuses frames the first one freed (what a long-running allocator sees).
        costs(SLABS, "first pass");
        costs(SLABS, "second pass");
        coverage();
        smapsCost();
    }

    /** Per-2 MiB cost of each call, in microseconds. */
    private static void costs(int slabs, String pass) {
        long size = slabs * SLAB;
        LinuxPageHooks none = new LinuxPageHooks(HugifyStyle.NONE);
        LinuxPageHooks advise = new LinuxPageHooks(HugifyStyle.ADVISE);
        LinuxPageHooks collapse = new LinuxPageHooks(HugifyStyle.COLLAPSE);
        List<String> rows = new ArrayList<>();

        // map: separate 2 MiB maps (the over-map-and-trim path: mmap + 1 or 2 munmap).
        long[] single = new long[slabs];
        long t = System.nanoTime();
        for (int i = 0; i < slabs; i++) {
            single[i] = advise.map(SLAB);
        }
        rows.add(row("map (mmap 4 MiB - 4 KiB, trim to 2 MiB)", System.nanoTime() - t, slabs));
        t = System.nanoTime();
        for (int i = 0; i < slabs; i++) {
            advise.unmap(single[i], SLAB);
        }
        rows.add(row("unmap, untouched", System.nanoTime() - t, slabs));

        long small = none.map(size);
        t = System.nanoTime();
        touch(small, size);
        rows.add(row("first touch, 512 x 4 KiB faults", System.nanoTime() - t, slabs));

        long huge = advise.map(size);
        t = System.nanoTime();
        for (int i = 0; i < slabs; i++) {
            advise.hugify(huge + i * SLAB, SLAB);
        }
        rows.add(row("hugify ADVISE (madvise MADV_HUGEPAGE)", System.nanoTime() - t, slabs));
        t = System.nanoTime();
        touch(huge, size);
        rows.add(row("first touch, one 2 MiB hugepage fault", System.nanoTime() - t, slabs));
        rows.add(coverageRow("  (coverage of the advised region)", huge, size));

        long collapsed = collapse.map(size);
        touch(collapsed, size);
        t = System.nanoTime();
        for (int i = 0; i < slabs; i++) {
            collapse.hugify(collapsed + i * SLAB, SLAB);
        }
        rows.add(row("hugify COLLAPSE of a 4 KiB-backed slab", System.nanoTime() - t, slabs));
        rows.add(coverageRow(
                "  (coverage after collapse, " + collapse.stats().collapseFailures() + " refused)", collapsed, size));

        t = System.nanoTime();
        for (int i = 0; i < slabs; i++) {
            none.purge(small + i * SLAB, SLAB);
        }
        rows.add(row("purge (MADV_DONTNEED), 4 KiB-backed", System.nanoTime() - t, slabs));
        t = System.nanoTime();
        for (int i = 0; i < slabs; i++) {
            advise.purge(huge + i * SLAB, SLAB);
        }
        rows.add(row("purge (MADV_DONTNEED), hugepage-backed", System.nanoTime() - t, slabs));

        touch(huge, size);
        t = System.nanoTime();
        for (int i = 0; i < slabs; i++) {
            advise.dehugify(huge + i * SLAB, SLAB);
        }
        rows.add(row("dehugify (MADV_NOHUGEPAGE) of a huge slab", System.nanoTime() - t, slabs));
        t = System.nanoTime();
        for (int i = 0; i < slabs; i++) {
            advise.purge(huge + i * SLAB, SLAB / 2);
        }
        rows.add(row("purge half of a huge slab (splits the PMD)", System.nanoTime() - t, slabs));

        touch(small, size);
        t = System.nanoTime();
        for (int i = 0; i < slabs; i++) {
            none.unmap(small + i * SLAB, SLAB);
        }
        rows.add(row("unmap, 4 KiB-backed", System.nanoTime() - t, slabs));
        t = System.nanoTime();
        for (int i = 0; i < slabs; i++) {
            collapse.unmap(collapsed + i * SLAB, SLAB);
        }
        rows.add(row("unmap, hugepage-backed", System.nanoTime() - t, slabs));
        advise.unmap(huge, size);

        t = System.nanoTime();
        int failures = 0;
        for (int i = 0; i < slabs * 16; i++) {
            try {
                none.purge(0x1000, Pages.PAGE);
            } catch (NativeCallException e) {
                failures++;
            }
        }
        rows.add(String.format(
                Locale.ROOT,
                "%-48s %10.1f us per call (syscall + errno + exception)",
                "failing madvise (ENOMEM)",
                (System.nanoTime() - t) / 1e3 / failures));

        if (pass != null) {
            System.out.println();
            System.out.println("Cost per 2 MiB (mean over " + slabs + " slabs), " + pass);
            rows.forEach(System.out::println);
        }
    }

    /**
     * Coverage per style in the two orders the allocator meets: hugify before the slab is touched
     * (a fresh slab filled later) and after (jemalloc hugifies slabs once they are mostly full).
     */
    private static void coverage() {
        System.out.println();
        System.out.println(
                "Hugepage coverage (AnonHugePages / Rss) of " + SLABS + " slabs, read from smaps right away");
        System.out.printf(
                Locale.ROOT,
                "%-9s %-34s %-34s %s%n",
                "style",
                "hugify, then touch",
                "touch, then hugify",
                "hugify time (touched)");
        for (HugifyStyle style : HugifyStyle.values()) {
            String before = coverageOf(style, true)[0];
            String[] after = coverageOf(style, false);
            System.out.printf(Locale.ROOT, "%-9s %-34s %-34s %s%n", style, before, after[0], after[1]);
        }
    }

    private static String[] coverageOf(HugifyStyle style, boolean hugifyFirst) {
        LinuxPageHooks hooks = new LinuxPageHooks(style);
        long size = SLABS * SLAB;
        long address = hooks.map(size);
        try {
            if (!hugifyFirst) {
                touch(address, size);
            }
            long t = System.nanoTime();
            for (int i = 0; i < SLABS; i++) {
                hooks.hugify(address + i * SLAB, SLAB);
            }
            long hugifyNanos = System.nanoTime() - t;
            if (hugifyFirst) {
                touch(address, size);
            }
            SmapsReading r = SMAPS.read(List.of(new AddressRange(address, size)));
            String refused =
                    (hooks.stats().collapseFailures() > 0 ? " " + hooks.stats().collapseFailures() + " refused" : "")
                            + (r.partialVmas() > 0 ? " ~approx" : "");
            return new String[] {
                String.format(
                        Locale.ROOT,
                        "%5.1f%% (%d/%d MiB)%s",
                        100 * r.hugepageCoverage(),
                        r.anonHugePages() >> 20,
                        r.rss() >> 20,
                        refused),
                String.format(Locale.ROOT, "%.1f us/slab", hugifyNanos / 1e3 / SLABS)
            };
        } finally {
            hooks.unmap(address, size);
        }
    }

    private static void smapsCost() {
        LinuxPageHooks hooks = new LinuxPageHooks(HugifyStyle.ADVISE);
        long size = SLABS * SLAB;
        long address = hooks.map(size);
        for (int i = 0; i < SLABS; i += 2) {
            hooks.hugify(address + i * SLAB, SLAB); // every other slab: SLABS VMAs of ours
        }
        touch(address, size);
        List<AddressRange> ranges = List.of(new AddressRange(address, size));
        int rounds = 200;
        for (int i = 0; i < 50; i++) {
            SMAPS.read(ranges);
            SMAPS.readProcess();
        }
        long t = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            SMAPS.read(ranges);
        }
        long smaps = System.nanoTime() - t;
        t = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            SMAPS.readProcess();
        }
        long rollup = System.nanoTime() - t;
        int vmas = countVmas();
        hooks.unmap(address, size);
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "SmapsReader: read(ranges) %.0f us, readProcess() %.0f us (process has %d VMAs, %d MiB touched of ours)%n",
                smaps / 1e3 / rounds,
                rollup / 1e3 / rounds,
                vmas,
                size >> 20);
    }

    private static int countVmas() {
        try (java.util.stream.Stream<String> maps =
                java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/maps"))) {
            return (int) maps.count();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static void touch(long address, long size) {
        MemorySegment segment = Extents.segmentOf(address, size);
        for (long offset = 0; offset < size; offset += Pages.PAGE) {
            segment.set(ValueLayout.JAVA_LONG, offset, offset);
        }
    }

    private static String row(String what, long nanos, int slabs) {
        return String.format(Locale.ROOT, "%-48s %10.1f us", what, nanos / 1e3 / slabs);
    }

    private static String coverageRow(String what, long address, long size) {
        SmapsReading r = SMAPS.read(List.of(new AddressRange(address, size)));
        return String.format(Locale.ROOT, "%-48s %10.1f %%", what, 100 * r.hugepageCoverage());
    }
}
