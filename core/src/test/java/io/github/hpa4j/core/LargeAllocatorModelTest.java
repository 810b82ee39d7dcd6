package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The randomized model test of the large allocator, in the style of jemalloc's test/unit/hpa.c
 * {@code test_stress}: {@value #STEPS} random alloc / free / refused free / clock / release steps
 * per seed, with sizes from 64 KiB to 256 MiB and alignments up to a hugepage, under a memory budget
 * small enough to be reached, against a shadow {@code TreeMap} of live allocations and a shadow of
 * the bytes the user wrote (every allocation is written in full; a purge wipes its range).
 *
 * <p>Checked after every step: a new allocation is aligned, at least as large as asked, overlaps
 * nothing live, and every byte of it the user wrote before lies in a page it is told to clear; a
 * refused request or free changes no counter; the live count and bytes equal the model's; the
 * budget holds exactly the cached, live whole-hugepage and backed region hugepages. At every purge:
 * it covers no live allocation. Every {@value #FULL_CHECK_EVERY} steps:
 * {@link LargeAllocator#inconsistency()}. At the end: everything freed, two release intervals
 * later nothing is cached, no region is held and the budget is back to zero; destroy unmaps every
 * byte mapped.
 */
class LargeAllocatorModelTest {
    static final int STEPS = 4_000;
    static final int FULL_CHECK_EVERY = 10;
    static final long MIB = 1L << 20;

    /* Fixed seeds, so failures reproduce; each with a cache limit (0 turns the cache off). */
    @ParameterizedTest(name = "seed {0}, cache limit {1}")
    @CsvSource({"1, 10", "0xB16B00B5, 0", "314159, 200"})
    void shouldKeepTheModelAndEveryInvariant(String seed, long cacheLimit) {
        new Run(Long.decode(seed), cacheLimit).run();
    }

    private static final class Run {
        private final long seed;
        private final Random random;
        private final ManualClock clock = new ManualClock();
        private final RecordingHooks recording = new RecordingHooks();
        private final CountingBudget budget = new CountingBudget(256 * Pages.HUGEPAGE_PAGES);
        private final TreeMap<Long, LargeExtent> live = new TreeMap<>();
        private final IntervalSet written = new IntervalSet();
        private final IntervalSet everUsed = new IntervalSet();
        /* Pages handed out before, then purged, and now known zero: what makes zeroed requests cheap. */
        private long reusedZeroPages;
        private final LargeAllocator large;
        private int step;
        private long refusedByBudget;

        Run(long seed, long cacheLimit) {
            this.seed = seed;
            this.random = new Random(seed);
            PageHooks hooks =
                    new LivePurgeGuard<>(recording, live, e -> e.getValue().end(), this::where) {

                        @Override
                        public void purge(long address, long size) {
                            super.purge(address, size);
                            written.remove(address, address + size);
                        }
                    };
            large = new LargeAllocator(
                    0,
                    LargeOptions.DEFAULTS.withCacheLimitHugepages(cacheLimit).withMaxAllocBytes(256 * MIB),
                    hooks,
                    clock,
                    budget);
        }

        String where() {
            return "seed " + seed + " step " + step + ": ";
        }

        void run() {
            for (step = 0; step < STEPS; step++) {
                int op = random.nextInt(100);
                if (live.isEmpty() || op < 45) {
                    alloc();
                } else if (op < 85) {
                    LargeExtent e = live.remove(randomLive());
                    if (random.nextBoolean()) {
                        large.free(e.address());
                    } else {
                        large.free(e.address(), e.requested());
                    }
                } else if (op < 93) {
                    refuseABadFree();
                } else {
                    clock.advanceMillis(random.nextInt(700));
                    large.releaseIdle();
                }
                check();
                if (step % FULL_CHECK_EVERY == 0) {
                    assertNull(large.inconsistency(), where());
                }
            }
            assertTrue(refusedByBudget > 0, where() + "the budget was never reached");
            assertTrue(reusedZeroPages > 0, where() + "no reused page was ever known zero");
            while (!live.isEmpty()) {
                large.free(live.pollFirstEntry().getKey());
            }
            for (int pass = 0; pass < 3; pass++) {
                clock.advanceMillis(large.options().releaseIntervalMs());
                large.releaseIdle();
            }
            check();
            LargeStats stats = large.stats();
            assertEquals(0, stats.cachedHugepages(), where() + "cache not drained");
            assertEquals(0, stats.regions(), where() + "regions not given back");
            assertEquals(0, budget.heldPages(), where() + "budget not given back");
            large.destroy();
            assertEquals(recording.bytes("map"), recording.bytes("unmap"), where() + "mapped bytes left mapped");
        }

        void alloc() {
            long bytes = switch (random.nextInt(10)) {
                case 0, 1, 2, 3 -> 64 * 1024 + random.nextInt((int) (4 * MIB)); // mostly regions
                case 4, 5, 6 -> (1 + random.nextInt(8)) * Pages.HUGEPAGE + random.nextInt(3) - 1;
                case 7, 8 -> 2 * MIB + random.nextInt((int) (14 * MIB));
                default -> 16 * MIB + (long) (random.nextDouble() * 240 * MIB);
            };
            long alignment = random.nextInt(4) == 0 ? 1L << (12 + random.nextInt(10)) : 1;
            LargeStats before = large.stats();
            LargeExtent e;
            try {
                e = large.alloc(bytes, alignment);
            } catch (MemoryBudgetExceededException refused) {
                refusedByBudget++;
                LargeStats after = large.stats();
                assertEquals(before.curExtents(), after.curExtents(), where() + "a refusal changed the live set");
                assertEquals(before.curBytes(), after.curBytes(), where());
                return;
            }
            String what = where() + bytes + " aligned " + alignment + " got " + e;
            assertEquals(0, e.address() % alignment, what);
            assertTrue(e.size() >= bytes, what);
            Map.Entry<Long, LargeExtent> below = live.floorEntry(e.address());
            Map.Entry<Long, LargeExtent> above = live.ceilingEntry(e.address());
            assertTrue(below == null || below.getValue().end() <= e.address(), what + " overlaps " + below);
            assertTrue(above == null || e.end() <= above.getKey(), what + " overlaps " + above);
            PagesToClear toClear = e.toClear();
            for (Map.Entry<Long, Long> dirty : written.within(e.address(), e.end())) {
                for (long page = (dirty.getKey() - e.address()) >>> Pages.LG_PAGE;
                        (page << Pages.LG_PAGE) < dirty.getValue() - e.address();
                        page++) {
                    if (!toClear.mustClear((int) page)) {
                        fail(what + ": page " + page + " holds old data but is not to be cleared, " + toClear);
                    }
                }
            }
            if (reusedZeroPages == 0) {
                for (Map.Entry<Long, Long> used : everUsed.within(e.address(), e.end())) {
                    long page = (used.getKey() - e.address()) >>> Pages.LG_PAGE;
                    reusedZeroPages += toClear.mustClear((int) page) ? 0 : 1;
                }
            }
            written.add(e.address(), e.end());
            everUsed.add(e.address(), e.end());
            live.put(e.address(), e);
        }

        long randomLive() {
            long probe = live.firstKey() + (long) (random.nextDouble() * (live.lastKey() - live.firstKey() + 1));
            return live.floorKey(probe);
        }

        void refuseABadFree() {
            LargeExtent e = live.get(randomLive());
            LargeStats before = large.stats();
            try {
                if (random.nextBoolean()) {
                    large.free(e.address() + Pages.PAGE * (1 + random.nextInt(e.pages() - 1 > 0 ? e.pages() - 1 : 1)));
                } else {
                    large.free(e.address(), e.size() + Pages.HUGEPAGE);
                }
                fail(where() + "a bad free of " + e + " was accepted");
            } catch (InvalidFreeException refused) {
                assertTrue(
                        refused.reason() == FreeRefusal.INTERIOR_ADDRESS
                                || refused.reason() == FreeRefusal.WRONG_SIZE
                                || refused.reason() == FreeRefusal.UNKNOWN_ADDRESS,
                        where() + refused.getMessage());
            }
            assertEquals(before, large.stats(), where() + "a refused free changed the counters");
        }

        void check() {
            LargeStats stats = large.stats();
            assertEquals(live.size(), stats.curExtents(), where());
            long bytes = 0;
            long wholeHugepages = 0;
            for (LargeExtent e : live.values()) {
                bytes += e.size();
                wholeHugepages += e.inRegion() ? 0 : e.hugepages();
            }
            assertEquals(bytes, stats.curBytes(), where());
            assertEquals(
                    (stats.cachedHugepages() + wholeHugepages + stats.regionBackedHugepages()) * Pages.HUGEPAGE_PAGES,
                    budget.heldPages(),
                    where() + "budget against cached + live + backed region hugepages");
            assertEquals(stats.nmalloc() - stats.ndalloc(), stats.curExtents(), where());
        }
    }
}
