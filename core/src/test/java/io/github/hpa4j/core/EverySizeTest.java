package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every size from 1 B to 1 GiB (powers of two and their neighbours) at alignments from 1 B to a
 * hugepage, through the router and the three layers over one set of fake hooks: each allocation is
 * aligned, at least as large as asked, overlaps nothing live in any layer, and says which pages to
 * clear; after freeing everything, every layer's stats are back to zero.
 */
class EverySizeTest {
    private record Live(long address, long size, SizeKind kind, Object handle) {}

    @Test
    void shouldServeEverySizeAndAlignmentWithoutOverlap() {
        RecordingHooks hooks = new RecordingHooks();
        ManualClock clock = new ManualClock();
        Shard shard = new Shard(0, ShardOptions.DEFAULTS.withDeferralAllowed(false), hooks, clock);
        Eden eden = new Eden(hooks, 8);
        SmallAllocator small = new SmallAllocator(0, new ShardPageSource(shard, eden));
        LargeAllocator large = new LargeAllocator(0, LargeOptions.DEFAULTS, hooks, clock, PageBudget.UNLIMITED);
        SizeRouter router =
                new SizeRouter(shard.options().slabMaxAlloc(), large.options().maxAllocBytes());
        TreeMap<Long, Live> live = new TreeMap<>();
        Map<SizeKind, Integer> perKind = new EnumMap<>(SizeKind.class);
        for (long size : LargeAllocatorTest.sweepSizes(1L << 30)) {
            for (long alignment = 1; alignment <= Pages.HUGEPAGE; alignment <<= 4) {
                if (size >= (1L << 28) && alignment > 1) {
                    continue; // the largest sizes once each keeps the sweep's address space small
                }
                SizeKind kind = router.route(size, alignment);
                perKind.merge(kind, 1, Integer::sum);
                Live l = switch (kind) {
                    case SMALL -> {
                        long request = SizeRouter.smallRequest(size, alignment);
                        yield new Live(small.alloc(request), SmallSizeClasses.usableSize(request), kind, null);
                    }
                    case PAGES -> {
                        ZeroedExtent z = shard.allocZeroed(size, eden);
                        yield new Live(z.extent().address(), z.extent().size(), kind, z.extent());
                    }
                    case LARGE -> {
                        LargeExtent e = large.alloc(size, alignment);
                        yield new Live(e.address(), e.size(), kind, e);
                    }
                };
                String what = "size " + size + " alignment " + alignment + " (" + kind + ")";
                assertEquals(0, l.address % alignment, what);
                assertTrue(l.size >= size, what);
                Map.Entry<Long, Live> before = live.floorEntry(l.address);
                Map.Entry<Long, Live> after = live.ceilingEntry(l.address);
                assertTrue(
                        before == null || before.getKey() + before.getValue().size <= l.address,
                        what + " overlaps " + before);
                assertTrue(after == null || l.address + l.size <= after.getKey(), what + " overlaps " + after);
                live.put(l.address, l);
            }
        }
        assertEquals(EnumSet.allOf(SizeKind.class), perKind.keySet(), "every kind is routed to");
        assertNull(small.inconsistency());
        assertNull(large.inconsistency());
        assertNull(shard.inconsistency());
        List<Live> all = new ArrayList<>(live.values());
        for (Live l : all) {
            switch (l.kind) {
                case SMALL -> small.free(l.address);
                case PAGES -> shard.free((Extent) l.handle);
                case LARGE -> large.free(l.address, ((LargeExtent) l.handle).requested());
            }
        }
        assertEquals(0, small.liveRegions());
        assertEquals(0, small.slabCount());
        assertEquals(0, shard.nactive());
        assertEquals(0, large.liveExtents());
        assertEquals(0, large.stats().curBytes());
    }
}
