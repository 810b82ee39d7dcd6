package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SmallAllocatorTest {
    private final FakePageSource source = new FakePageSource();
    private final SmallAllocator small = new SmallAllocator(3, source);

    @Test
    void shouldCarveEveryClassIntoDistinctAlignedRegionsOfItsSlab() {
        for (int c = 0; c < SmallSizeClasses.NBINS; c++) {
            int size = SmallSizeClasses.indexToSize(c);
            int nregs = SmallSizeClasses.regionsPerSlab(c);
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i <= nregs; i++) { // one more than a slab holds: a second slab
                long address = small.alloc(size);
                assertTrue(
                        seen.add(address), "class " + size + " handed out 0x" + Long.toHexString(address) + " twice");
                assertEquals(0, address % Math.min(Long.lowestOneBit(size), Pages.PAGE), "class " + size);
                assertEquals(c, small.classOf(address));
            }
            SmallClassStats stats = small.stats(c);
            assertEquals(nregs + 1, stats.curregs());
            assertEquals(2, stats.curslabs());
            assertEquals((nregs - 1L) * size, stats.freeRegionBytes());
            for (long address : seen) {
                small.free(address, size);
            }
            assertEquals(0, small.stats(c).curslabs(), "class " + size + " kept an empty slab");
        }
        assertTrue(source.live.isEmpty());
        assertNull(small.inconsistency());
    }

    @Test
    void shouldGiveAnEmptySlabBackToItsSource() {
        long a = small.alloc(100);
        long b = small.alloc(100);
        assertEquals(1, source.live.size());
        small.free(a);
        assertEquals(1, source.live.size());
        small.free(b, 100);
        assertEquals(0, source.live.size());
        assertEquals(1, source.returned.size());
        assertEquals(
                (long) SmallSizeClasses.slabPages(SmallSizeClasses.sizeToIndex(100)) << Pages.LG_PAGE,
                source.returned.get(0).size());
    }

    @Test
    void shouldRefillFromTheOldestNonFullSlabFirst() {
        int c = SmallSizeClasses.sizeToIndex(2048);
        int nregs = SmallSizeClasses.regionsPerSlab(c); // 2 regions in one page
        long[] first = new long[nregs];
        long[] second = new long[nregs];
        small.allocBatch(2048, nregs, first, 0);
        small.allocBatch(2048, nregs, second, 0);
        long[] third = new long[1];
        small.allocBatch(2048, 1, third, 0); // the third slab is now slabcur
        small.free(second[0]);
        small.free(first[0]);
        // The oldest slab with room became slabcur, ahead of the younger ones.
        assertEquals(first[0], small.alloc(2048));
        assertEquals(second[0], small.alloc(2048));
        // jemalloc's counters: three fresh slabs; slabcur replaced by each lowered slab, then by the refill.
        SmallClassStats stats = small.stats(c);
        assertEquals(3, stats.nslabs());
        assertEquals(3, stats.curslabs());
        assertEquals(3, stats.nreslabs());
        assertNull(small.inconsistency());
    }

    @Test
    void shouldReportRoundingWastePerClass() {
        small.alloc(17);
        small.alloc(20);
        SmallClassStats stats = small.stats(SmallSizeClasses.sizeToIndex(17));
        assertEquals(32, stats.regionSize());
        assertEquals(37, stats.requestedBytes());
        assertEquals(64 - 37, stats.roundingWasteBytes());
        assertEquals(2, stats.nmalloc());
    }

    @Test
    void shouldRefuseBadFreesWithoutChangingAnything() {
        long a = small.alloc(48);
        long b = small.alloc(48);
        small.free(b);
        List<SmallClassStats> before = small.stats();
        assertRefused(FreeRefusal.NOT_REGION_START, () -> small.free(a + 16));
        assertRefused(FreeRefusal.WRONG_SIZE, () -> small.free(a, 64));
        assertRefused(FreeRefusal.WRONG_SIZE, () -> small.free(a, 0));
        assertRefused(FreeRefusal.NOT_ALLOCATED, () -> small.free(b));
        assertRefused(FreeRefusal.UNKNOWN_ADDRESS, () -> small.free(a + (3L << Pages.LG_PAGE)));
        SmallAllocator other = new SmallAllocator(4, new FakePageSource());
        assertRefused(FreeRefusal.UNKNOWN_ADDRESS, () -> other.free(a));
        assertRefused(FreeRefusal.DUPLICATE_IN_BATCH, () -> small.freeBatch(48, new long[] {a, a}, 0, 2));
        assertEquals(before, small.stats());
        small.free(a, 33);
        assertEquals(0, small.liveRegions());
    }

    @Test
    void shouldTakeNothingFromABatchWhenThePageSourceFails() {
        int nregs = SmallSizeClasses.regionsPerSlab(SmallSizeClasses.sizeToIndex(4096));
        source.failAfter = 2;
        long[] out = new long[3 * nregs];
        assertThrows(EdenExhaustedException.class, () -> small.allocBatch(4096, out.length, out, 0));
        assertEquals(0, small.liveRegions());
        assertEquals(0, small.stats(SmallSizeClasses.sizeToIndex(4096)).nmalloc());
        assertTrue(source.live.isEmpty());
        assertNull(small.inconsistency());
    }

    @Test
    void shouldRefuseSizesAboveTheSmallMaximum() {
        InvalidSizeException e =
                assertThrows(InvalidSizeException.class, () -> small.alloc(SmallSizeClasses.SMALL_MAX + 1));
        assertEquals(SmallSizeClasses.SMALL_MAX, e.max());
        assertThrows(InvalidCountException.class, () -> small.allocBatch(64, 0, new long[1], 0));
    }

    @Test
    void shouldDrainIntoARealShardThatCanThenPurgeIt() {
        RecordingHooks hooks = new RecordingHooks();
        Shard shard = new Shard(
                0,
                ShardOptions.DEFAULTS.withDeferralAllowed(false).withDirtyMult(FixedPoint.ofPercent(0)),
                hooks,
                new ManualClock());
        Eden eden = new Eden(hooks, 4);
        SmallAllocator bins = new SmallAllocator(0, new ShardPageSource(shard, eden));
        long[] regions = new long[1000];
        bins.allocBatch(640, regions.length, regions, 0);
        long slabPages = bins.stats(SmallSizeClasses.sizeToIndex(640)).curslabs()
                * SmallSizeClasses.slabPages(SmallSizeClasses.sizeToIndex(640));
        assertEquals(slabPages, shard.nactive());
        bins.freeBatch(640, regions, 0, regions.length);
        assertEquals(0, shard.nactive());
        shard.doDeferredWork();
        assertEquals(0, shard.ndirty());
        assertTrue(hooks.count("purge") > 0);
    }

    @Test
    void shouldAskForASlabWhenTheShardMayNotGrowAndServeOnceItHasOne() {
        RecordingHooks hooks = new RecordingHooks();
        Shard shard = new Shard(2, ShardOptions.DEFAULTS, hooks, new ManualClock());
        SmallAllocator bins = new SmallAllocator(2, ShardPageSource.withoutGrowing(shard));
        long[] out = new long[600]; // three 1-page slabs of 256 regions
        SlabNeededException e = assertThrows(SlabNeededException.class, () -> bins.allocBatch(16, out.length, out, 0));
        assertEquals(2, e.shard());
        assertEquals(0, bins.liveRegions());
        assertEquals(0, bins.stats(0).nmalloc());
        shard.addSlab(new Eden(hooks, 1).extract());
        bins.allocBatch(16, out.length, out, 0);
        assertEquals(600, bins.liveRegions());
        assertEquals(3, shard.nactive());
    }

    @Test
    void shouldRefuseAShardWhoseExtentsAreTooSmallForBinSlabs() {
        Shard shard = new Shard(
                0, ShardOptions.DEFAULTS.withSlabMaxAlloc(Pages.PAGE), new RecordingHooks(), new ManualClock());
        assertThrows(IllegalArgumentException.class, () -> new ShardPageSource(shard, () -> null));
    }

    private void assertRefused(FreeRefusal reason, Runnable free) {
        InvalidFreeException e = assertThrows(InvalidFreeException.class, free::run);
        assertSame(reason, e.reason());
    }

    @Test
    void shouldGiveEverySlabBackAtDestroyLiveRegionsOrNot() {
        assertEquals(3, small.index());
        int c = SmallSizeClasses.sizeToIndex(100);
        int nregs = SmallSizeClasses.regionsPerSlab(c);
        long[] addresses = new long[2 * nregs + 1];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = small.alloc(100); // two full slabs and a third in use
        }
        small.free(addresses[0], 100); // the first slab is not full any more
        long other = small.alloc(5000); // a slab of another class
        assertEquals(4, small.slabCount());
        assertEquals(4, source.live.size());
        long live = small.liveRegions();
        assertEquals(addresses.length, live);

        assertEquals(live, small.destroy(), "the live regions dropped");
        assertTrue(source.live.isEmpty(), "every slab went back to its source");
        assertEquals(4, source.returned.size());
        assertEquals(0, small.slabCount());
        assertEquals(0, small.liveRegions());
        assertEquals(-1, small.classOf(addresses[1]), "no slab is known there any more");
        assertEquals(-1, small.classOf(other));
        SmallClassStats stats = small.stats(c);
        assertEquals(stats.nmalloc(), stats.ndalloc(), "the dropped regions count as freed");
        assertNull(small.inconsistency());
    }

    @Test
    void shouldFillAndFlushABatchThatEndsAtTheEndOfItsArray() {
        int c = SmallSizeClasses.sizeToIndex(96);
        long[] out = new long[6];
        small.allocBatch(96, 4, out, 2);
        assertEquals(0, out[0] + out[1], "nothing before the offset");
        SmallClassStats stats = small.stats(c);
        assertEquals(4, stats.nmalloc());
        assertEquals(4, stats.curregs());
        assertEquals(4 * 96, stats.requestedBytes());
        assertEquals(1, stats.nfills(), "one batch is one fill");
        assertThrows(InvalidCountException.class, () -> small.allocBatch(96, 3, new long[4], 2));
        assertThrows(InvalidCountException.class, () -> small.freeBatch(96, out, 3, 4));

        // A duplicate that is not next to its twin is found too.
        long[] flush = {out[2], out[3], out[2]};
        assertRefused(FreeRefusal.DUPLICATE_IN_BATCH, () -> small.freeBatch(96, flush, 0, 3));
        assertEquals(4, small.liveRegions());
        small.freeBatch(96, out, 2, 4);
        assertEquals(0, small.liveRegions());
        assertEquals(4, small.stats(c).ndalloc());
    }

    @Test
    void shouldTakeABatchThatFillsItsArrayExactly() {
        long[] out = new long[3];
        small.allocBatch(64, 3, out, 0);
        assertEquals(3, new HashSet<>(List.of(out[0], out[1], out[2])).size());
        small.freeBatch(64, out, 0, 3);
        assertEquals(0, small.stats(SmallSizeClasses.sizeToIndex(64)).curregs());
        assertThrows(InvalidCountException.class, () -> small.allocBatch(64, 3, out, 1));
        assertThrows(InvalidCountException.class, () -> small.freeBatch(64, out, 1, 3));
    }

    @Test
    void shouldTakeTheLargestBatch() {
        long[] out = new long[Shard.MAX_BATCH];
        small.allocBatch(16, Shard.MAX_BATCH, out, 0);
        small.freeBatch(16, out, 0, Shard.MAX_BATCH);
        assertEquals(0, small.stats(0).curregs());
        long[] more = new long[Shard.MAX_BATCH + 1];
        assertThrows(InvalidCountException.class, () -> small.allocBatch(16, Shard.MAX_BATCH + 1, more, 0));
        assertThrows(InvalidCountException.class, () -> small.freeBatch(16, more, 0, Shard.MAX_BATCH + 1));
        assertNull(small.inconsistency());
    }

    @Test
    void shouldTakeABatchOfOne() {
        long[] out = new long[1];
        small.allocBatch(64, 1, out, 0);
        small.freeBatch(64, out, 0, 1);
        assertEquals(0, small.stats(SmallSizeClasses.sizeToIndex(64)).curregs());
        assertThrows(InvalidCountException.class, () -> small.freeBatch(64, out, 0, 0));
        assertThrows(InvalidCountException.class, () -> small.freeBatch(64, out, -1, 1));
    }
}
