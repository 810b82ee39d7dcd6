package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocationOptions;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.SizeKind;
import io.github.hpa4j.core.SmallClassStats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Every layer at once, on real memory: two threads allocate and free sizes from 16 B to 16 MiB
 * (log-uniform, some zeroed, some aligned up to a hugepage), each allocation stamped with its own
 * pattern and checked before its free, every live range recorded so that an overlap fails at once.
 * With the workload held, the stats add up to what the test holds, per small class and for the
 * large extents; once everything is freed, nothing is held anywhere.
 */
class MixedSizesStressTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();
    /* Fixed, so that a failure replays; printed with every failure. */
    private static final long SEED = 0x5EED_12L;
    private static final int THREADS = 2;
    private static final int OPERATIONS_PER_THREAD = 16_000;
    private static final long LIVE_BYTES_PER_THREAD = 96L << 20;
    private static final long MIN_SIZE = 16;
    private static final long MAX_SIZE = 16L << 20;
    /* Words stamped this far apart (and at both ends): every hugepage and region page run is touched. */
    private static final long STAMP_STRIDE = 64 * 1024;

    /* Live ranges, start to end, over every thread: a new allocation that meets one is an overlap. */
    private final TreeMap<Long, Held> ranges = new TreeMap<>();
    private final AtomicLong serials = new AtomicLong(1);

    private record Held(long serial, Allocation allocation) {
        long start() {
            return allocation.address();
        }

        long end() {
            return allocation.address() + allocation.size();
        }
    }

    @Test
    void shouldServeAMixedWorkloadWithoutOverlapAndWithStatsThatAddUp() throws Exception {
        Hpa4j hpa4j = It.startOnRealMemory(
                testKit, It.FAST_DEFERRED_WORK, "hpa4j.shards = 2", "hpa4j.large.release-interval = 200ms");
        List<CompletableFuture<List<Held>>> clients = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int client = t;
            CompletableFuture<List<Held>> done = new CompletableFuture<>();
            Thread thread = It.threadForShard(hpa4j, t % hpa4j.shardCount(), "mixed-" + t, () -> {
                try {
                    done.complete(run(hpa4j, new Random(SEED + client)));
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            });
            thread.start();
            clients.add(done);
        }
        List<Held> live = new ArrayList<>();
        for (CompletableFuture<List<Held>> client : clients) {
            live.addAll(It.get(client));
        }

        // Held: what the stats count as live is exactly what the test holds, layer by layer, once the
        // front, which keeps freed small regions and pages live in their shards, is emptied.
        It.get(hpa4j.trimCaches());
        Map<Integer, Long> smallByClass = new HashMap<>();
        long largeBytes = 0;
        long largeCount = 0;
        long heldBytes = 0;
        for (Held h : live) {
            heldBytes += h.allocation().size();
            if (h.allocation().kind() == SizeKind.SMALL) {
                smallByClass.merge((int) h.allocation().size(), 1L, Long::sum);
            } else if (h.allocation().kind() == SizeKind.LARGE) {
                largeBytes += h.allocation().size();
                largeCount++;
            }
        }
        long expectedHeld = heldBytes;
        long expectedLargeBytes = largeBytes;
        long expectedLargeCount = largeCount;
        await("stats of the held workload").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            AllocatorStats stats = It.get(hpa4j.stats());
            for (SmallClassStats c : stats.smallClasses()) {
                assertEquals(
                        smallByClass.getOrDefault(c.regionSize(), 0L),
                        c.curregs(),
                        "live regions of class " + c.regionSize() + ", seed " + SEED);
                assertEquals(c.nmalloc() - c.ndalloc(), c.curregs());
            }
            assertEquals(expectedLargeCount, stats.large().curExtents(), "seed " + SEED);
            assertEquals(expectedLargeBytes, stats.large().curBytes(), "seed " + SEED);
            assertEquals(expectedHeld, stats.heldBytes(), "held bytes, seed " + SEED);
        });

        for (Held h : live) {
            release(hpa4j, h);
        }
        It.get(hpa4j.trimCaches());
        AllocatorStats after = It.get(hpa4j.stats());
        assertEquals(0, after.heldBytes(), "nothing held after the last free, seed " + SEED);
        assertEquals(0, after.smallBytes());
        assertEquals(0, after.large().curExtents());
        assertEquals(after.large().nmalloc(), after.large().ndalloc());
        // The front serves most small requests again and again: the bins see its refills and stock.
        long smallFromBins = after.smallClasses().stream()
                .mapToLong(SmallClassStats::nmalloc)
                .sum();
        assertTrue(
                after.large().nmalloc() > 100 && smallFromBins > 100,
                "every layer was exercised: " + smallFromBins + " small regions from the bins, " + after.large());
        It.get(hpa4j.stop());
    }

    private List<Held> run(Hpa4j hpa4j, Random random) {
        List<Held> live = new ArrayList<>();
        long liveBytes = 0;
        for (int op = 0; op < OPERATIONS_PER_THREAD; op++) {
            boolean free = !live.isEmpty() && (liveBytes > LIVE_BYTES_PER_THREAD || random.nextBoolean());
            if (free) {
                Held h = live.remove(random.nextInt(live.size()));
                liveBytes -= h.allocation().size();
                release(hpa4j, h);
                continue;
            }
            long bytes = logUniform(random);
            AllocationOptions options = switch (random.nextInt(8)) {
                case 0 -> AllocationOptions.ZEROED;
                case 1 -> AllocationOptions.aligned(1L << random.nextInt(22));
                default -> AllocationOptions.DEFAULT;
            };
            Allocation a = hpa4j.allocateNow(bytes, options);
            assertTrue(
                    a.size() >= bytes && a.address() % options.alignment() == 0,
                    a + " for " + bytes + " " + options + ", seed " + SEED);
            Held h = claim(new Held(serials.getAndIncrement(), a), options.zeroed());
            live.add(h);
            liveBytes += a.size();
        }
        return live;
    }

    private static long logUniform(Random random) {
        double lo = Math.log(MIN_SIZE);
        double hi = Math.log(MAX_SIZE);
        return Math.max(MIN_SIZE, Math.min(MAX_SIZE, Math.round(Math.exp(lo + random.nextDouble() * (hi - lo)))));
    }

    private Held claim(Held h, boolean zeroed) {
        synchronized (ranges) {
            Map.Entry<Long, Held> before = ranges.floorEntry(h.start());
            Map.Entry<Long, Held> after = ranges.ceilingEntry(h.start());
            if ((before != null && before.getValue().end() > h.start())
                    || (after != null && after.getKey() < h.end())) {
                throw new AssertionError(h.allocation() + " overlaps "
                        + (before != null && before.getValue().end() > h.start() ? before.getValue() : after.getValue())
                                .allocation()
                        + ", seed " + SEED);
            }
            ranges.put(h.start(), h);
        }
        MemorySegment segment = h.allocation().segment();
        for (long offset : stampOffsets(h.allocation().size())) {
            if (zeroed) {
                assertEquals(
                        0,
                        segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset),
                        h.allocation() + " zeroed, at " + offset + ", seed " + SEED);
            }
            segment.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, stamp(h, offset));
        }
        return h;
    }

    private void release(Hpa4j hpa4j, Held h) {
        MemorySegment segment = h.allocation().segment();
        for (long offset : stampOffsets(h.allocation().size())) {
            long found = segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
            if (found != stamp(h, offset)) {
                throw new AssertionError(h.allocation() + " at " + offset + " holds " + Long.toHexString(found)
                        + ", not its own pattern: another allocation wrote it, seed " + SEED);
            }
        }
        synchronized (ranges) {
            ranges.remove(h.start());
        }
        hpa4j.freeNow(h.allocation());
    }

    private static long stamp(Held h, long offset) {
        return (h.serial() << 32) ^ offset ^ 0x5A5A_0000_0000_0001L;
    }

    private static long[] stampOffsets(long size) {
        int inner = (int) ((size - 8) / STAMP_STRIDE);
        long[] offsets = new long[inner + 2];
        offsets[0] = 0;
        for (int i = 1; i <= inner; i++) {
            offsets[i] = i * STAMP_STRIDE;
        }
        offsets[inner + 1] = size - 8;
        return offsets;
    }
}
