package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The randomized model test of the bins over a real shard, in the style of jemalloc's
 * test/unit/hpa.c {@code test_stress}: {@value #STEPS} random alloc / batch alloc / free / batch
 * free / refused free / deferred work steps per seed, against a shadow {@code TreeMap} of live
 * regions.
 *
 * <p>Checked after every step: new regions are aligned to their class, of the class asked for,
 * overlap no live region; every class's live count equals the model's; a refused free changes no
 * counter. Checked every {@value #FULL_CHECK_EVERY} steps: the bins' and the shard's consistency,
 * and the shard's active pages equal the pages of the bins' slabs. Checked at every purge: it
 * covers no live region. At the end: everything freed, no slab left in the bins, no page active in
 * the shard. Every assertion message starts with the seed and step.
 */
class SmallAllocatorModelTest {
    static final int STEPS = 20_000;
    static final int FULL_CHECK_EVERY = 10;
    /* Enough live regions to fill many slabs of every class, few enough that the full checks stay cheap. */
    static final int MAX_LIVE = 3_000;

    /* Fixed seeds, so failures reproduce; the flag chooses a shard that purges every dirty page at once. */
    @ParameterizedTest(name = "seed {0}, eager purge {1}")
    @CsvSource({"1, false", "0x5EED, true", "20260101, false"})
    void shouldKeepTheModelAndEveryInvariant(String seed, boolean eagerPurge) {
        new Run(Long.decode(seed), eagerPurge).run();
    }

    private static final class Run {
        private final long seed;
        private final Random random;
        private final TreeMap<Long, Integer> live = new TreeMap<>(); // address -> class
        private final long[] perClass = new long[SmallSizeClasses.NBINS];
        private final RecordingHooks recording = new RecordingHooks();
        private final SmallAllocator small;
        private final Shard shard;
        private int step;

        Run(long seed, boolean eagerPurge) {
            this.seed = seed;
            this.random = new Random(seed);
            PageHooks hooks = new LivePurgeGuard<>(
                    recording, live, e -> e.getKey() + SmallSizeClasses.indexToSize(e.getValue()), this::where);
            ShardOptions options = ShardOptions.DEFAULTS
                    .withDeferralAllowed(false)
                    .withHugifyDelayMs(0)
                    .withMinPurgeIntervalMs(0);
            shard = new Shard(
                    0, eagerPurge ? options.withDirtyMult(FixedPoint.ofPercent(0)) : options, hooks, new ManualClock());
            small = new SmallAllocator(0, new ShardPageSource(shard, new Eden(hooks, 4)));
        }

        String where() {
            return "seed " + seed + " step " + step + ": ";
        }

        void run() {
            for (step = 0; step < STEPS; step++) {
                int op = random.nextInt(100);
                if (live.size() > MAX_LIVE) {
                    op = 45 + random.nextInt(43); // only frees until the working set is back under its bound
                }
                if (live.isEmpty() || op < 35) {
                    long size = randomSize();
                    record(small.alloc(size), size);
                } else if (op < 45) {
                    long size = randomSize();
                    long[] out = new long[1 + random.nextInt(64)];
                    small.allocBatch(size, out.length, out, 0);
                    for (long address : out) {
                        record(address, size);
                    }
                } else if (op < 80) {
                    long address = randomLive();
                    int c = live.remove(address);
                    perClass[c]--;
                    if (random.nextBoolean()) {
                        small.free(address);
                    } else {
                        small.free(address, sizeIn(c));
                    }
                } else if (op < 88) {
                    freeBatchOfOneClass();
                } else if (op < 97) {
                    refuseABadFree();
                } else {
                    shard.doDeferredWork();
                }
                checkCounts();
                if (step % FULL_CHECK_EVERY == 0) {
                    fullCheck();
                }
            }
            while (!live.isEmpty()) {
                Map.Entry<Long, Integer> e = live.pollFirstEntry();
                perClass[e.getValue()]--;
                small.free(e.getKey(), SmallSizeClasses.indexToSize(e.getValue()));
            }
            checkCounts();
            assertEquals(0, small.slabCount(), where() + "slabs left in the bins");
            assertEquals(0, shard.nactive(), where() + "pages left active in the shard");
            shard.doDeferredWork();
            assertNull(shard.inconsistency());
        }

        /* Classes drawn uniformly, so the big ones, with few regions per slab, get as many steps. */
        long randomSize() {
            return sizeIn(random.nextInt(SmallSizeClasses.NBINS));
        }

        long sizeIn(int c) {
            long low = c == 0 ? 1 : SmallSizeClasses.indexToSize(c - 1) + 1;
            return low + random.nextInt((int) (SmallSizeClasses.indexToSize(c) - low + 1));
        }

        long randomLive() {
            long probe = live.firstKey() + (long) (random.nextDouble() * (live.lastKey() - live.firstKey() + 1));
            return live.floorKey(probe);
        }

        void record(long address, long size) {
            int c = SmallSizeClasses.sizeToIndex(size);
            int regionSize = SmallSizeClasses.indexToSize(c);
            assertEquals(0, address % Math.min(Long.lowestOneBit(regionSize), Pages.PAGE), where() + "misaligned");
            assertEquals(c, small.classOf(address), where() + "class of a new region");
            Map.Entry<Long, Integer> before = live.floorEntry(address);
            if (before != null && before.getKey() + SmallSizeClasses.indexToSize(before.getValue()) > address) {
                fail(where() + "0x" + Long.toHexString(address) + " overlaps 0x" + Long.toHexString(before.getKey()));
            }
            Long after = live.ceilingKey(address);
            if (after != null && address + regionSize > after) {
                fail(where() + "0x" + Long.toHexString(address) + " overlaps 0x" + Long.toHexString(after));
            }
            live.put(address, c);
            perClass[c]++;
        }

        void freeBatchOfOneClass() {
            long first = randomLive();
            int c = live.get(first);
            List<Long> batch = new ArrayList<>();
            for (Map.Entry<Long, Integer> e : live.tailMap(first, true).entrySet()) {
                if (e.getValue() == c && batch.size() < 32) {
                    batch.add(e.getKey());
                }
            }
            long[] addresses = batch.stream().mapToLong(Long::longValue).toArray();
            // Out of the model first: emptied slabs may be purged while the batch is still being freed.
            for (long a : addresses) {
                live.remove(a);
                perClass[c]--;
            }
            small.freeBatch(sizeIn(c), addresses, 0, addresses.length);
        }

        void refuseABadFree() {
            long address = randomLive();
            int c = live.get(address);
            List<SmallClassStats> before = small.stats();
            FreeRefusal expected = switch (random.nextInt(3)) {
                case 0 -> FreeRefusal.NOT_REGION_START;
                case 1 -> FreeRefusal.WRONG_SIZE;
                default -> FreeRefusal.DUPLICATE_IN_BATCH;
            };
            try {
                switch (expected) {
                    case NOT_REGION_START ->
                        small.free(address + 1 + random.nextInt(SmallSizeClasses.indexToSize(c) - 1));
                    case WRONG_SIZE ->
                        small.free(
                                address,
                                sizeIn((c + 1 + random.nextInt(SmallSizeClasses.NBINS - 1)) % SmallSizeClasses.NBINS));
                    default -> small.freeBatch(SmallSizeClasses.indexToSize(c), new long[] {address, address}, 0, 2);
                }
                fail(where() + "a bad free was accepted");
                return;
            } catch (InvalidFreeException e) {
                assertEquals(expected, e.reason(), where() + e.getMessage());
            }
            assertEquals(before, small.stats(), where() + "a refused free changed the counters");
        }

        void checkCounts() {
            long total = 0;
            for (int c = 0; c < SmallSizeClasses.NBINS; c++) {
                SmallClassStats stats = small.stats(c);
                assertEquals(perClass[c], stats.curregs(), where() + "class " + stats.regionSize());
                assertEquals(stats.nmalloc() - stats.ndalloc(), stats.curregs(), where() + "nmalloc - ndalloc");
                total += perClass[c];
            }
            assertEquals(total, small.liveRegions(), where());
        }

        void fullCheck() {
            assertNull(small.inconsistency(), where());
            assertNull(shard.inconsistency(), where());
            long slabPages = 0;
            for (SmallClassStats stats : small.stats()) {
                slabPages += stats.curslabs() * stats.slabPages();
            }
            assertEquals(slabPages, shard.nactive(), where() + "bin slabs against the shard's active pages");
        }
    }
}
