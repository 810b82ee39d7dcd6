package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocationOptions;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Lease;
import io.github.hpa4j.core.Pages;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Leases on real memory: under concurrency, with handles freed and allocated beside them and a fast
 * sweeper emptying idle caches, no two holders ever share a byte; a zeroed allocation through a
 * lease reads zero; at the checked level a segment kept past the free throws, and so does any
 * segment once the allocator has stopped.
 */
class LeaseOnRealMemoryTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final int THREADS = 4;
    private static final int PAIRS_PER_THREAD = 40_000;
    /* One stamp every this many bytes: an overlap of two holders overwrites at least one. */
    private static final long STRIDE = 512;

    @Test
    void leasesAndHandlesNeverShareAByteUnderConcurrency() throws Exception {
        Hpa4j hpa4j = It.startOnRealMemory(
                testKit,
                "hpa4j.shards = 2",
                "hpa4j.cache.max-per-class = 16",
                "hpa4j.cache.sweep-interval = 10ms",
                "hpa4j.cache.idle-timeout = 30ms");
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<CompletableFuture<Long>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = 0x1ea5eL + t;
            boolean handlesToo = t % 2 == 1;
            done.add(CompletableFuture.supplyAsync(() -> churn(hpa4j, seed, handlesToo), pool));
        }
        long checked = 0;
        for (CompletableFuture<Long> d : done) {
            checked += d.get();
        }
        pool.shutdown();
        assertEquals((long) THREADS * PAIRS_PER_THREAD, checked, "every pair was written and read back whole");
        It.get(hpa4j.trimCaches()); // the restocks on their way land first
        assertEquals(0, It.get(hpa4j.stats()).heldBytes(), "the leases and handles gave everything back");
        assertEquals(0, It.get(hpa4j.stop()).liveExtents(), "nothing left to reclaim at shutdown");
    }

    /* Pairs of random sizes through one lease, with a handle held across some of them; returns how many. */
    private static long churn(Hpa4j hpa4j, long seed, boolean handlesToo) {
        SplittableRandom random = new SplittableRandom(seed);
        Lease lease = hpa4j.lease();
        long pairs = 0;
        Allocation handle = null;
        for (int i = 0; i < PAIRS_PER_THREAD; i++) {
            long stamp = random.nextLong();
            lease.allocate(16 + random.nextLong(64 << 10));
            MemorySegment leased = lease.segment();
            stampAll(leased, stamp);
            if (handlesToo) {
                if (handle != null) {
                    hpa4j.freeNow(handle);
                }
                handle = hpa4j.allocateNow(16 + random.nextLong(64 << 10));
                stampAll(handle.segment(), ~stamp);
                checkAll(handle.segment(), ~stamp);
            }
            checkAll(leased, stamp);
            lease.free();
            pairs++;
        }
        if (handle != null) {
            hpa4j.freeNow(handle);
        }
        return pairs;
    }

    private static void stampAll(MemorySegment s, long stamp) {
        for (long at = 0; at + Long.BYTES <= s.byteSize(); at += STRIDE) {
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, at, stamp ^ at);
        }
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, s.byteSize() - Long.BYTES, stamp);
    }

    private static void checkAll(MemorySegment s, long stamp) {
        for (long at = 0; at + Long.BYTES <= s.byteSize() - Long.BYTES; at += STRIDE) {
            long seen = s.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
            if (seen != (stamp ^ at)) {
                throw new AssertionError("another holder wrote at +" + at + " of " + s);
            }
        }
        assertEquals(stamp, s.get(ValueLayout.JAVA_LONG_UNALIGNED, s.byteSize() - Long.BYTES), "the last word");
    }

    @Test
    void aZeroedAllocationThroughALeaseReadsZero() {
        Hpa4j hpa4j = It.startOnRealMemory(testKit, "hpa4j.shards = 1");
        Lease lease = hpa4j.lease();
        long first = lease.allocate(2 * Pages.PAGE);
        lease.segment().fill((byte) 0x5a);
        lease.free();
        assertEquals(first, lease.allocate(2 * Pages.PAGE, AllocationOptions.ZEROED), "the cached extent again");
        MemorySegment zeroed = lease.segment();
        assertEquals(-1, zeroed.mismatch(MemorySegment.ofArray(new byte[(int) zeroed.byteSize()])), "all zero");
        lease.free();
        It.get(hpa4j.stop());
    }

    @Test
    void aSegmentKeptPastTheFreeThrowsAtTheCheckedLevelAndAnySegmentAfterTheStop() {
        Hpa4j checked = It.startOnRealMemory(testKit, "hpa4j.shards = 1", "hpa4j.safety.level = checked");
        Lease lease = checked.lease();
        lease.allocate(Pages.PAGE);
        MemorySegment kept = lease.segment();
        kept.set(ValueLayout.JAVA_LONG, 0, 42L);
        lease.free();
        assertThrows(IllegalStateException.class, () -> kept.get(ValueLayout.JAVA_LONG, 0));
        It.get(checked.stop());

        Hpa4j standard = It.startOnRealMemory(testKit, "hpa4j.shards = 1");
        Lease held = standard.lease();
        held.allocate(Pages.PAGE);
        MemorySegment live = held.segment();
        live.set(ValueLayout.JAVA_LONG, 0, 7L);
        It.get(standard.stop());
        assertThrows(IllegalStateException.class, () -> live.get(ValueLayout.JAVA_LONG, 0));
        assertTrue(held.holds(), "the stop reclaimed the memory, the lease still names it");
    }
}
