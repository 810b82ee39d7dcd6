package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardZeroedTest {
    private final RecordingHooks hooks = new RecordingHooks();
    private final ManualClock clock = new ManualClock();
    private final Eden eden = new Eden(hooks, 4);

    private Shard shard(int dirtyMult) {
        return new Shard(
                0,
                ShardOptions.DEFAULTS
                        .withDeferralAllowed(false)
                        .withDirtyMult(dirtyMult)
                        .withMinPurgeIntervalMs(0)
                        .withHugificationThreshold(Pages.HUGEPAGE),
                hooks,
                clock);
    }

    @Test
    void shouldNeedNoClearingOfAFreshSlab() {
        Shard shard = shard(FixedPoint.UNLIMITED);
        ZeroedExtent z = shard.allocZeroed(5 * Pages.PAGE, eden);
        assertEquals(5 * Pages.PAGE, z.extent().size());
        assertTrue(z.toClear().none());
    }

    @Test
    void shouldClearOnlyTheReusedDirtyPages() {
        Shard shard = shard(FixedPoint.UNLIMITED);
        Extent a = shard.alloc(2 * Pages.PAGE, eden);
        Extent b = shard.alloc(Pages.PAGE, eden);
        shard.free(a);
        shard.free(b);
        ZeroedExtent z = shard.allocZeroed(5 * Pages.PAGE, eden);
        assertEquals(a.address(), z.extent().address());
        assertEquals(1, z.toClear().runCount());
        assertEquals(0, z.toClear().runPage(0));
        assertEquals(3, z.toClear().runPages(0));
        assertEquals(3 * Pages.PAGE, z.toClear().runBytes(0));
    }

    @Test
    void shouldAnswerNullWithoutASlabAndTheDirtyPagesOnceItHasOne() {
        Shard shard = shard(FixedPoint.UNLIMITED);
        assertNull(shard.allocZeroedNoGrow(Pages.PAGE));
        shard.addSlab(eden.extract());
        Extent a = shard.alloc(3 * Pages.PAGE, eden);
        shard.free(a);
        ZeroedExtent z = shard.allocZeroedNoGrow(4 * Pages.PAGE);
        assertEquals(a.address(), z.extent().address());
        assertEquals(3, z.toClear().pages());
        assertFalse(z.toClear().mustClear(3));
    }

    @Test
    void shouldKnowPurgedPagesAreZeroAgain() {
        Shard shard = shard(FixedPoint.ofPercent(0));
        Extent a = shard.alloc(8 * Pages.PAGE, eden);
        Extent keep = shard.alloc(Pages.PAGE, eden); // keeps the slab from being released
        shard.free(a);
        assertTrue(hooks.count("purge") > 0, "dirty_mult 0 purges at once");
        ZeroedExtent z = shard.allocZeroed(8 * Pages.PAGE, eden);
        assertEquals(a.address(), z.extent().address());
        assertTrue(z.toClear().none(), z.toClear().toString());
        shard.free(keep);
    }

    @Test
    void shouldClearEveryPageOfAHugifiedSlab() {
        Shard shard = new Shard(
                0,
                ShardOptions.DEFAULTS
                        .withDeferralAllowed(false)
                        .withHugifyDelayMs(0)
                        .withHugificationThreshold(Pages.PAGE)
                        .withDirtyMult(FixedPoint.UNLIMITED),
                hooks,
                clock);
        shard.alloc(Pages.PAGE, eden);
        shard.doDeferredWork();
        assertTrue(shard.slabs().get(0).huge());
        ZeroedExtent z = shard.allocZeroed(4 * Pages.PAGE, eden);
        assertEquals(4, z.toClear().pages());
    }

    /**
     * A shadow of which pages hold data the allocator's user wrote: every page of every allocation is
     * written, a purge wipes its range. Whatever a zeroed allocation is told to skip must be clean.
     * Seed fixed so that a failure reproduces.
     */
    @Test
    void shouldNeverSkipAPageThatHoldsOldDataOverARandomRun() {
        long seed = 0x5EED_2E70L;
        Random random = new Random(seed);
        Set<Long> written = new HashSet<>();
        PageHooks wiping = new ForwardingPageHooks(hooks) {

            @Override
            public void purge(long address, long size) {
                for (long p = address; p < address + size; p += Pages.PAGE) {
                    written.remove(p);
                }
                super.purge(address, size);
            }
        };
        Shard shard = new Shard(
                0,
                ShardOptions.DEFAULTS
                        .withDeferralAllowed(false)
                        .withMinPurgeIntervalMs(0)
                        .withHugifyDelayMs(0),
                wiping,
                clock);
        Eden source = new Eden(wiping, 4);
        List<Extent> live = new ArrayList<>();
        long skipped = 0;
        long cleared = 0;
        for (int step = 0; step < 5_000; step++) {
            if (live.isEmpty() || random.nextInt(100) < 55) {
                long bytes = (1 + random.nextInt(16)) * Pages.PAGE;
                ZeroedExtent z = shard.allocZeroed(bytes, source);
                Extent e = z.extent();
                for (int p = 0; p < e.pages(); p++) {
                    long page = e.address() + ((long) p << Pages.LG_PAGE);
                    if (z.toClear().mustClear(p)) {
                        cleared++;
                    } else {
                        assertTrue(
                                !written.contains(page),
                                "seed " + seed + " step " + step + ": page 0x" + Long.toHexString(page) + " of " + e
                                        + " holds old data but was not to be cleared");
                        skipped++;
                    }
                    written.add(page);
                }
                live.add(e);
            } else {
                shard.free(live.remove(random.nextInt(live.size())));
            }
            if (random.nextInt(50) == 0) {
                clock.advanceMillis(random.nextInt(20));
                shard.doDeferredWork();
            }
        }
        assertTrue(skipped > 0 && cleared > 0, "seed " + seed + ": skipped " + skipped + ", cleared " + cleared);
    }
}
