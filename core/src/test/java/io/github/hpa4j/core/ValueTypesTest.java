package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The stats records, the options' ranges and the refusals' messages: what the facade reports. */
class ValueTypesTest {
    private static LargeStats largeStats(long f) {
        return new LargeStats(
                f, 2 * f, 3 * f, 4 * f, 5 * f, 6 * f, 7 * f, 8 * f, 9 * f, 10 * f, 11 * f, 12 * f, 13 * f, 14 * f,
                15 * f, 16 * f, 17 * f, 18 * f, 19 * f, 20 * f, 21 * f);
    }

    @Test
    void largeStatsAddUpCounterByCounter() {
        assertEquals(largeStats(1001), largeStats(1).plus(largeStats(1000)));
        assertEquals(largeStats(7), LargeStats.NONE.plus(largeStats(7)));
        assertEquals(4 * 7 - 5 * 7, largeStats(7).roundingWasteBytes());
    }

    @Test
    void shardCountersAddUpCounterByCounter() {
        ShardCounters a = new ShardCounters(1, 2, 3, 4, 5, 6);
        ShardCounters b = new ShardCounters(10, 20, 30, 40, 50, 60);
        assertEquals(new ShardCounters(11, 22, 33, 44, 55, 66), a.plus(b));
        assertEquals(a, ShardCounters.ZERO.plus(a));
    }

    @Test
    void shardStatsAddUpAndLeaveTheirOperandsAlone() {
        PageSlabSetStats slabsA = new PageSlabSetStats();
        slabsA.full(false).accumulate(new BinStats(1, 512, 0));
        slabsA.nonfull(3, true).accumulate(new BinStats(2, 40, 7));
        PageSlabSetStats slabsB = new PageSlabSetStats();
        slabsB.empty(true).accumulate(new BinStats(1, 0, 100));
        ShardStats a = new ShardStats(0, slabsA, new ShardCounters(1, 1, 1, 1, 1, 1), 3, 1, 10, 1000);
        ShardStats b = new ShardStats(1, slabsB, new ShardCounters(2, 2, 2, 2, 2, 2), 4, 2, 20, 2000);

        ShardStats sum = a.plus(b);
        assertEquals(-1, sum.shard(), "a sum is no one shard");
        assertEquals(new ShardCounters(3, 3, 3, 3, 3, 3), sum.counters());
        assertEquals(7, sum.npendingPurge());
        assertEquals(3, sum.jobsInFlight());
        assertEquals(30, sum.liveExtents());
        assertEquals(3000, sum.liveBytes());
        assertEquals(4, sum.npageslabs());
        assertEquals(552, sum.nactive());
        assertEquals(107, sum.ndirty());
        assertEquals(new BinStats(1, 0, 100), sum.slabs().empty(true));
        assertEquals(3, a.npageslabs(), "the left operand is unchanged");
        assertEquals(1, b.npageslabs(), "the right operand is unchanged");

        ShardStats empty = ShardStats.empty();
        assertEquals(-1, empty.shard());
        assertEquals(0, empty.npageslabs());
        assertEquals(0, empty.nactive());
        assertEquals(0, empty.ndirty());
        assertEquals(ShardCounters.ZERO, empty.counters());
        assertEquals(a.slabs(), empty.plus(a).slabs());
    }

    @Test
    void slabSetStatsAreEqualOnlyWhenEveryBinIs() {
        assertEquals(new PageSlabSetStats(), new PageSlabSetStats());
        PageSlabSetStats full = new PageSlabSetStats();
        full.full(true).accumulate(new BinStats(1, 512, 0));
        PageSlabSetStats empty = new PageSlabSetStats();
        empty.empty(true).accumulate(new BinStats(1, 0, 0));
        PageSlabSetStats nonfull = new PageSlabSetStats();
        nonfull.nonfull(PageSizeClasses.NPSIZES - 1, true).accumulate(new BinStats(1, 1, 0));
        for (PageSlabSetStats s : new PageSlabSetStats[] {full, empty, nonfull}) {
            assertNotEquals(new PageSlabSetStats(), s);
            assertNotEquals(s, new PageSlabSetStats());
            assertEquals(s, s.copy());
        }
        assertNotEquals(full, empty, "the same merged counts in other bins differ");
        assertNotEquals(new PageSlabSetStats(), new BinStats());

        PageSlabSetStats all = new PageSlabSetStats();
        all.accumulate(full);
        all.accumulate(empty);
        all.accumulate(nonfull);
        assertEquals(full.full(true), all.full(true));
        assertEquals(empty.empty(true), all.empty(true));
        assertEquals(new BinStats(3, 513, 0), all.byHuge(true));
        assertEquals(new BinStats(), all.byHuge(false));

        String text = all.toString();
        assertTrue(text.contains("nonfull[" + (PageSizeClasses.NPSIZES - 1) + "]="), text);
        assertTrue(!text.contains("nonfull[0]"), "bins without slabs are left out: " + text);
        assertEquals("{slabs=3 active=513 dirty=0}", all.byHuge(true).toString());
    }

    @Test
    void largeOptionsAcceptTheEndsOfTheirRangesAndRefuseBeyond() {
        LargeOptions d = LargeOptions.DEFAULTS;
        assertDoesNotThrow(() -> d.withMaxAllocBytes(1));
        assertDoesNotThrow(() -> d.withMaxAllocBytes(1L << 40));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxAllocBytes(0));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxAllocBytes((1L << 40) + 1));
        assertDoesNotThrow(() -> d.withMapHugepages(1));
        assertThrows(IllegalArgumentException.class, () -> d.withMapHugepages(0));
        assertDoesNotThrow(() -> d.withCacheLimitHugepages(0));
        assertThrows(IllegalArgumentException.class, () -> d.withCacheLimitHugepages(-1));
        assertDoesNotThrow(() -> d.withReleaseIntervalMs(0));
        assertThrows(IllegalArgumentException.class, () -> d.withReleaseIntervalMs(-1));
        assertDoesNotThrow(() -> d.withRegionHugepages(1));
        assertDoesNotThrow(() -> d.withRegionHugepages(4096));
        assertThrows(IllegalArgumentException.class, () -> d.withRegionHugepages(0));
        assertThrows(IllegalArgumentException.class, () -> d.withRegionHugepages(4097));
    }

    @Test
    void largeOptionsWithersChangeOneSettingEach() {
        LargeOptions d = LargeOptions.DEFAULTS;
        assertEquals(new LargeOptions(5, 32, 10, 1_000, 64), d.withMaxAllocBytes(5));
        assertEquals(new LargeOptions(1L << 30, 5, 10, 1_000, 64), d.withMapHugepages(5));
        assertEquals(new LargeOptions(1L << 30, 32, 5, 1_000, 64), d.withCacheLimitHugepages(5));
        assertEquals(new LargeOptions(1L << 30, 32, 10, 5, 64), d.withReleaseIntervalMs(5));
        assertEquals(new LargeOptions(1L << 30, 32, 10, 1_000, 5), d.withRegionHugepages(5));
    }

    @Test
    void aRegionServesUpToHalfItselfAndNoMoreThanEightHugepages() {
        assertEquals(8 * Pages.HUGEPAGE, LargeOptions.DEFAULTS.regionMaxAlloc());
        assertEquals(
                2 * Pages.HUGEPAGE, LargeOptions.DEFAULTS.withRegionHugepages(4).regionMaxAlloc());
        assertEquals(
                3 * Pages.HUGEPAGE / 2,
                LargeOptions.DEFAULTS.withRegionHugepages(3).regionMaxAlloc());
        assertEquals(
                Pages.HUGEPAGE / 2, LargeOptions.DEFAULTS.withRegionHugepages(1).regionMaxAlloc());
    }

    @Test
    void shardOptionsAcceptAWholeHugepageAndRefuseNothing() {
        ShardOptions d = ShardOptions.DEFAULTS;
        assertDoesNotThrow(() -> d.withSlabMaxAlloc(Pages.HUGEPAGE));
        assertDoesNotThrow(() -> d.withSlabMaxAlloc(Pages.PAGE));
        assertThrows(IllegalArgumentException.class, () -> d.withSlabMaxAlloc(0));
        assertThrows(IllegalArgumentException.class, () -> d.withSlabMaxAlloc(Pages.HUGEPAGE + Pages.PAGE));
        assertDoesNotThrow(() -> d.withHugificationThreshold(Pages.HUGEPAGE));
        assertDoesNotThrow(() -> d.withHugificationThreshold(1));
        assertThrows(IllegalArgumentException.class, () -> d.withHugificationThreshold(0));
        assertThrows(IllegalArgumentException.class, () -> d.withHugificationThreshold(Pages.HUGEPAGE + 1));
    }

    @Test
    void binSlabsNeedASlabMaxAllocOfTheLargestBinSlab() {
        long largest = (long) SmallSizeClasses.MAX_SLAB_PAGES << Pages.LG_PAGE;
        RecordingHooks hooks = new RecordingHooks();
        ManualClock clock = new ManualClock();
        Shard exact = new Shard(0, ShardOptions.DEFAULTS.withSlabMaxAlloc(largest), hooks, clock);
        assertDoesNotThrow(() -> new ShardPageSource(exact, new Eden(hooks, 4)));
        Shard smaller = new Shard(1, ShardOptions.DEFAULTS.withSlabMaxAlloc(largest - Pages.PAGE), hooks, clock);
        assertThrows(IllegalArgumentException.class, () -> new ShardPageSource(smaller, new Eden(hooks, 4)));
    }

    @Test
    void theRouterAcceptsTheEndsOfItsRanges() {
        long largestSlab = (long) SmallSizeClasses.MAX_SLAB_PAGES << Pages.LG_PAGE;
        SizeRouter tight = new SizeRouter(largestSlab, largestSlab, SmallSizeClasses.QUANTUM);
        assertEquals(SmallSizeClasses.QUANTUM, tight.smallMax());
        assertEquals(largestSlab, tight.maxAlloc());
        assertEquals(SizeKind.SMALL, tight.route(SmallSizeClasses.QUANTUM, 1), "the small max itself is small");
        assertEquals(SizeKind.PAGES, tight.route(SmallSizeClasses.QUANTUM + 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SizeRouter(largestSlab, largestSlab, 15));
        assertThrows(IllegalArgumentException.class, () -> new SizeRouter(largestSlab - Pages.PAGE, largestSlab, 16));
        assertThrows(IllegalArgumentException.class, () -> new SizeRouter(largestSlab, largestSlab - 1, 16));
        assertEquals(16, SizeRouter.smallRequest(16, 16), "an aligned size stays as it is");
        assertEquals(64, SizeRouter.smallRequest(33, 64));
        assertEquals(17, SizeRouter.smallRequest(17, 1));
    }

    @Test
    void refusalsSayWhatWasWrong() {
        assertEquals(
                "alignment must be a power of two, got 0",
                assertThrows(InvalidAlignmentException.class, () -> InvalidAlignmentException.check(0))
                        .getMessage());
        assertEquals(
                "alignment must be a power of two, got 48",
                assertThrows(InvalidAlignmentException.class, () -> InvalidAlignmentException.check(48))
                        .getMessage());
        InvalidAlignmentException tooLarge = assertThrows(
                InvalidAlignmentException.class, () -> InvalidAlignmentException.check(2 * Pages.HUGEPAGE));
        assertEquals(
                "alignment " + 2 * Pages.HUGEPAGE + " exceeds the largest supported, a hugepage (" + Pages.HUGEPAGE
                        + ")",
                tooLarge.getMessage());
        assertEquals(2 * Pages.HUGEPAGE, tooLarge.alignment());
        assertDoesNotThrow(() -> InvalidAlignmentException.check(1));
        assertDoesNotThrow(() -> InvalidAlignmentException.check(Pages.HUGEPAGE));

        assertEquals("allocation size must be positive, got 0", new InvalidSizeException(0, 10).getMessage());
        assertEquals(
                "allocation size 11 exceeds the largest servable size 10",
                new InvalidSizeException(11, 10).getMessage());
        assertEquals(10, new InvalidSizeException(11, 10).max());

        assertEquals("out of memory: could not map 8 bytes for eden", new EdenExhaustedException(8, null).getMessage());
        PageOperationException cause = new PageOperationException("mmap", 0x1000, 8, "ENOMEM", null);
        assertEquals("mmap(0x1000, 8) failed: ENOMEM", cause.getMessage());
        assertEquals(
                "out of memory: could not map 8 bytes for eden: mmap(0x1000, 8) failed: ENOMEM",
                new EdenExhaustedException(8, cause).getMessage());
        PageOperationException detailed = new PageOperationException("purge", 0x2000, 4096, null, "injected");
        assertEquals("purge(0x2000, 4096) failed (injected)", detailed.getMessage());
        assertEquals("purge", detailed.operation());
        assertEquals(0x2000, detailed.address());
        assertEquals(4096, detailed.length());
        assertNull(detailed.errorName());
        assertEquals("ENOMEM", cause.errorName());

        InvalidFreeException free = new InvalidFreeException(FreeRefusal.WRONG_SIZE, 0x3000, 64, 2);
        assertEquals(
                "free of [0x3000, +64) refused by shard 2: size differs from the live extent's", free.getMessage());
        assertEquals(64, free.size());
        assertEquals(0x3000, free.address());
        assertEquals(7, new InvalidCountException(7, 5).count());
        assertEquals(
                "the allocator is shut down",
                ShardDisabledException.allocatorStopped().getMessage());
        assertEquals("shard 3 is shut down", new ShardDisabledException(3).getMessage());
        assertEquals("Extent[0x4000, +8192, shard 1]", new Extent(0x4000, 8192, 1).toString());
    }

    @Test
    void countingHooksPassEveryCallOnAndCountIt() {
        RecordingHooks recording = new RecordingHooks();
        CountingHooks hooks = new CountingHooks(recording);
        long a = hooks.map(3 * Pages.HUGEPAGE);
        long b = hooks.map(Pages.HUGEPAGE);
        hooks.unmap(b, Pages.HUGEPAGE);
        hooks.unmap(a, 2 * Pages.HUGEPAGE);
        hooks.purge(a, Pages.PAGE);
        hooks.purge(a, 2 * Pages.PAGE);
        hooks.hugify(a, Pages.HUGEPAGE);
        hooks.hugify(a, Pages.HUGEPAGE);
        hooks.dehugify(a, Pages.HUGEPAGE);
        hooks.dehugify(a, Pages.HUGEPAGE);
        assertEquals(2, hooks.maps);
        assertEquals(4 * Pages.HUGEPAGE, hooks.mappedBytes);
        assertEquals(2, hooks.unmaps);
        assertEquals(3 * Pages.HUGEPAGE, hooks.unmappedBytes);
        assertEquals(2, hooks.purges);
        assertEquals(3 * Pages.PAGE, hooks.purgedBytes);
        assertEquals(2, hooks.hugifies);
        assertEquals(2, hooks.dehugifies);
        for (String op : new String[] {"map", "unmap", "purge", "hugify", "dehugify"}) {
            assertEquals(2, recording.count(op), op + " reaches the OS");
        }
    }

    @Test
    void theHugeAllocatorMapsAtLeastItsBatchAndCountsWhatItHandsOut() {
        assertThrows(IllegalArgumentException.class, () -> new HugeAllocator(new RecordingHooks(), 0));
        RecordingHooks recording = new RecordingHooks();
        HugeAllocator allocator = new HugeAllocator(recording, 1);
        long a = allocator.get(1);
        assertEquals(1, allocator.mappings());
        assertEquals(Pages.HUGEPAGE, allocator.mappedBytes());
        long b = allocator.get(3);
        assertEquals(2, allocator.mappings());
        assertEquals(4 * Pages.HUGEPAGE, allocator.mappedBytes());
        assertEquals(4, allocator.inUseHugepages());
        allocator.release(a, 1);
        assertEquals(3, allocator.inUseHugepages());
        assertEquals(1, allocator.freeHugepages());
        assertEquals(a, allocator.get(1), "a released run is handed out again before anything is mapped");
        assertEquals(2, allocator.mappings());
        allocator.release(b, 3);
        allocator.destroy();
        assertEquals(2, recording.count("unmap"));
        allocator.destroy();
        assertEquals(2, recording.count("unmap"), "every mapping is unmapped once");
    }

    @Test
    void aPurgeJobPurgesItsRangesAfterSplittingTheHugepage() {
        long slab = 1L << 40;
        PurgeJob job = new PurgeJob(
                2, new PageSlab(slab, 0), null, true, 3, new long[] {slab, slab + 4 * Pages.PAGE}, new long[] {
                    Pages.PAGE, 2 * Pages.PAGE
                });
        assertEquals(2, job.rangeCount());
        assertEquals(slab + 4 * Pages.PAGE, job.rangeAddress(1));
        assertEquals(2 * Pages.PAGE, job.rangeSize(1));
        assertEquals(3 * Pages.PAGE, job.purgeBytes());
        assertEquals(3, job.pendingPages());
        assertEquals("PurgeJob[shard 2, slab 0x10000000000, 3 dirty pages in 2 ranges, dehugify]", job.toString());
        RecordingHooks hooks = new RecordingHooks();
        job.run(hooks);
        assertEquals(
                java.util.List.of(
                        new RecordingHooks.Call("dehugify", slab, Pages.HUGEPAGE),
                        new RecordingHooks.Call("purge", slab, Pages.PAGE),
                        new RecordingHooks.Call("purge", slab + 4 * Pages.PAGE, 2 * Pages.PAGE)),
                hooks.calls);
        PurgeJob plain =
                new PurgeJob(0, new PageSlab(slab, 0), null, false, 1, new long[] {slab}, new long[] {Pages.PAGE});
        assertEquals("PurgeJob[shard 0, slab 0x10000000000, 1 dirty pages in 1 ranges]", plain.toString());
        assertEquals("HugifyJob[shard 1, slab 0x10000000000]", new HugifyJob(1, new PageSlab(slab, 0), 0).toString());
    }
}
