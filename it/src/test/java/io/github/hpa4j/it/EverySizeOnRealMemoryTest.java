package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocationOptions;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.bridge.ThpSupport;
import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidAlignmentException;
import io.github.hpa4j.core.InvalidFreeException;
import io.github.hpa4j.core.InvalidSizeException;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.SizeKind;
import io.github.hpa4j.core.SmallClassStats;
import io.github.hpa4j.core.SmallSizeClasses;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One allocator serves every size through the same facade, on real memory: small classes, whole
 * pages and large extents, aligned and zeroed as asked, each freed through its own layer.
 */
class EverySizeOnRealMemoryTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final long GIB = 1L << 30;
    /*
     * One shard and no front cache: a free goes straight back to the layer that served it, so the
     * next allocation of the same size reuses the memory just written, which zeroed requests must
     * then clear.
     */
    private static Hpa4j hpa4j;

    @BeforeAll
    static void start() {
        hpa4j = It.startOnRealMemory(
                testKit,
                "hpa4j.shards = 1",
                "hpa4j.cache.enabled = off",
                "hpa4j.large.release-interval = 100ms",
                "hpa4j.min-purge-interval = 100ms");
    }

    /* Powers of two from 1 B to 1 GiB and their neighbours. */
    private static List<Long> sweep() {
        TreeSet<Long> sizes = new TreeSet<>();
        for (long p = 1; p <= GIB; p <<= 1) {
            for (long size : new long[] {p - 1, p, p + 1}) {
                if (size >= 1 && size <= GIB) {
                    sizes.add(size);
                }
            }
        }
        return List.copyOf(sizes);
    }

    @Test
    void shouldServeEverySizeFromOneByteToOneGibibyteAtItsUsableSizeFromItsLayer() {
        long slabMaxAlloc = hpa4j.settings().shardOptions().slabMaxAlloc();
        long largeBefore = It.get(hpa4j.stats()).large().nmalloc();
        for (long bytes : sweep()) {
            Allocation a = hpa4j.allocateNow(bytes);
            assertTrue(a.size() >= bytes, () -> a + " for " + bytes);
            SizeKind expected =
                    bytes <= 3584 ? SizeKind.SMALL : bytes <= slabMaxAlloc ? SizeKind.PAGES : SizeKind.LARGE;
            assertEquals(expected, a.kind(), () -> "layer of " + bytes);
            switch (a.kind()) {
                case SMALL -> assertEquals(SmallSizeClasses.usableSize(bytes), a.size(), "its class's size");
                case PAGES -> assertEquals(Pages.pageCeiling(bytes), a.size(), "whole pages");
                case LARGE ->
                    assertTrue(
                            a.size() == Pages.pageCeiling(bytes)
                                    || a.size() == ((bytes + Pages.HUGEPAGE_MASK) & ~Pages.HUGEPAGE_MASK),
                            () -> a + " for " + bytes);
            }
            // The first, middle and last words: every part of the usable size is ours to write.
            MemorySegment segment = a.segment();
            for (long offset : new long[] {0, (a.size() / 2) & ~7L, a.size() - 8}) {
                if (a.size() >= 8) {
                    segment.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, bytes);
                    assertEquals(bytes, segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset));
                }
            }
            hpa4j.freeNow(a);
        }
        AllocatorStats stats = It.get(hpa4j.stats());
        assertEquals(0, stats.large().curExtents(), "every large allocation went back: " + stats.large());
        assertEquals(0, stats.smallBytes(), "every small region went back");
        assertEquals(0, stats.heldBytes(), "nothing held");
        assertEquals(
                sweep().stream().filter(b -> b > slabMaxAlloc).count(),
                stats.large().nmalloc() - largeBefore,
                "every size above slab-max-alloc was large");
        assertTrue(
                stats.large().mappedBytes() >= GIB, "the large allocator mapped its own hugepages: " + stats.large());
        assertTrue(It.failureOf(hpa4j.allocate(GIB + 1), InvalidSizeException.class)
                .getMessage()
                .contains("" + GIB));
    }

    @Test
    void shouldCountTheLargeAllocatorsMappingsInTheStatsAndInTheSmapsReading() {
        Assumptions.assumeTrue(ThpSupport.isAvailable(), () -> "needs smaps: " + ThpSupport.unavailabilityCause());
        // Far more than eden holds resident here (its few pages are purged between tests): only the
        // large allocator's own regions can account for it.
        long bytes = 128L << 20;
        Allocation a = written(hpa4j.allocateNow(bytes));
        AllocatorStats held = It.get(hpa4j.stats());
        assertEquals(SizeKind.LARGE, a.kind());
        assertTrue(held.large().mappedBytes() >= bytes, "mapped apart from eden: " + held.large());
        assertTrue(held.smaps().size() >= held.large().mappedBytes(), "smaps reads the large regions: " + held.smaps());
        assertTrue(
                held.smaps().rss() >= bytes,
                "the written allocation is resident in hpa4j's regions: " + held.smaps() + ", eden mapped "
                        + held.mappedBytes());
        hpa4j.freeNow(a);
    }

    @Test
    void shouldHonourEveryAlignmentUpToAHugepageAndRefuseOthersTyped() {
        for (long alignment = 1; alignment <= Pages.HUGEPAGE; alignment <<= 1) {
            List<Allocation> held = new ArrayList<>();
            for (long bytes : new long[] {1, 100, 3000, 5000, 100 * 1024, 3 * Pages.HUGEPAGE + 1}) {
                Allocation a = hpa4j.allocateNow(bytes, AllocationOptions.aligned(alignment));
                assertEquals(0, a.address() % alignment, a + " aligned to " + alignment);
                assertTrue(a.size() >= bytes);
                held.add(a);
            }
            It.get(hpa4j.freeBatch(held));
        }
        assertEquals(
                3,
                It.failureOf(hpa4j.allocate(64, AllocationOptions.aligned(3)), InvalidAlignmentException.class)
                        .alignment());
        assertEquals(
                2 * Pages.HUGEPAGE,
                assertThrows(
                                InvalidAlignmentException.class,
                                () -> hpa4j.allocateNow(64, AllocationOptions.aligned(2 * Pages.HUGEPAGE)))
                        .alignment());
        assertEquals(0, It.get(hpa4j.stats()).heldBytes(), "refusals held nothing");
    }

    @Test
    void shouldHandOutZeroedMemoryEvenWhereAFreedAllocationWroteAndAfterThePurge() {
        for (long bytes : new long[] {48, 3000, 64 * 1024, 1 << 20, 4L << 20}) {
            // Written and freed, all but one that keeps a bin slab from going back to its shard
            // empty: the zeroed requests must meet what the others wrote.
            int n = bytes < Pages.PAGE ? 64 : 3;
            Allocation anchor = written(hpa4j.allocateNow(bytes));
            Set<Long> dirty = new HashSet<>();
            List<Allocation> written = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Allocation a = written(hpa4j.allocateNow(bytes));
                dirty.add(a.address());
                written.add(a);
            }
            It.get(hpa4j.freeBatch(written));
            List<Allocation> reused = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Allocation a = hpa4j.allocateNow(bytes, AllocationOptions.ZEROED);
                assertZero(a);
                reused.add(written(a));
            }
            assertTrue(
                    reused.stream().anyMatch(a -> dirty.contains(a.address())),
                    "the freed memory is handed out again: " + bytes + " B");
            reused.add(anchor);
            It.get(hpa4j.freeBatch(reused));

            // Once purged, the memory is zero without clearing: it must read so all the same. The
            // front gives back what it keeps first, so that the shard's purge reaches it.
            It.get(hpa4j.trimCaches());
            It.get(hpa4j.runDeferredWork());
            await("large cache released").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                It.get(hpa4j.runDeferredWork());
                AllocatorStats stats = It.get(hpa4j.stats());
                assertEquals(
                        0,
                        stats.large().cachedHugepages() + stats.large().regionBackedHugepages(),
                        stats.large().toString());
                assertEquals(0, stats.dirtyBytes(), "dirty pages purged");
            });
            Allocation purged = hpa4j.allocateNow(bytes, AllocationOptions.ZEROED);
            assertZero(purged);
            hpa4j.freeNow(purged);
        }
    }

    @Test
    void shouldGiveBackTheFreePagesOfASparseRegionHugepageAndKeepTheLiveOnesIntact() {
        Assumptions.assumeTrue(ThpSupport.isAvailable(), () -> "needs smaps: " + ThpSupport.unavailabilityCause());
        // Packed in a region: rounding 257 KiB to a hugepage would waste most of it.
        long bytes = 257 * 1024;
        long inRegionBefore = It.get(hpa4j.stats()).large().inRegionExtents();
        List<Allocation> blocks = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Allocation a = hpa4j.allocateNow(bytes);
            a.segment().fill((byte) i);
            blocks.add(a);
        }
        AllocatorStats loaded = It.get(hpa4j.stats());
        assertEquals(
                inRegionBefore + 16,
                loaded.large().inRegionExtents(),
                loaded.large().toString());
        long rssBefore = loaded.smaps().rss();
        List<Allocation> freed = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i += 2) {
            freed.add(blocks.set(i, null));
        }
        It.get(hpa4j.freeBatch(freed));
        await("sparse hugepages subreleased").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            It.get(hpa4j.runDeferredWork());
            AllocatorStats stats = It.get(hpa4j.stats());
            assertTrue(
                    stats.large().regionSubreleasedHugepages() >= 1,
                    stats.large().toString());
            assertTrue(
                    stats.smaps().rss() <= rssBefore - 6 * bytes,
                    "most of the " + 8 * bytes + " freed bytes leave Rss: " + rssBefore + " -> " + stats.smaps());
        });
        for (int i = 1; i < blocks.size(); i += 2) {
            Allocation a = blocks.get(i);
            MemorySegment expected =
                    MemorySegment.ofArray(new byte[(int) a.size()]).fill((byte) i);
            long mismatch = MemorySegment.mismatch(a.segment(), 0, a.size(), expected, 0, a.size());
            assertEquals(-1, mismatch, () -> a + " lost its data at offset " + mismatch);
            hpa4j.freeNow(a);
        }
    }

    @Test
    void shouldRefuseASecondFreeOfEveryKindAndChangeNothing() {
        for (long bytes : new long[] {16, 2048, 8 * 1024, 256 * 1024, 16L << 20}) {
            Allocation a = hpa4j.allocateNow(bytes);
            Allocation other = hpa4j.allocateNow(bytes);
            hpa4j.freeNow(a);
            AllocatorStats before = It.get(hpa4j.stats());
            InvalidFreeException twice = assertThrows(InvalidFreeException.class, () -> hpa4j.freeNow(a));
            assertEquals(FreeRefusal.NOT_ALLOCATED, twice.reason(), a.toString());
            InvalidFreeException inBatch = It.failureOf(hpa4j.freeBatch(List.of(other, a)), InvalidFreeException.class);
            assertEquals(FreeRefusal.NOT_ALLOCATED, inBatch.reason());
            AllocatorStats after = It.get(hpa4j.stats());
            assertEquals(before.heldBytes(), after.heldBytes(), "nothing freed by a refused free of " + bytes);
            // Only what a free changes: the release timer may give idle hugepages back meanwhile.
            assertEquals(before.large().ndalloc(), after.large().ndalloc());
            assertEquals(before.large().curBytes(), after.large().curBytes());
            assertEquals(live(before.smallClasses()), live(after.smallClasses()));
            assertEquals(Allocation.State.LIVE, other.state(), "the batch's good entry is still live");
            hpa4j.freeNow(other);
        }
        Hpa4j foreign = It.startOnRealMemory(testKit, "hpa4j.shards = 1");
        Allocation theirs = foreign.allocateNow(100);
        assertEquals(
                FreeRefusal.FOREIGN_ALLOCATION,
                assertInstanceOf(InvalidFreeException.class, It.failureOf(hpa4j.free(theirs)))
                        .reason());
        foreign.freeNow(theirs);
        It.get(foreign.stop());
    }

    private static long live(List<SmallClassStats> classes) {
        return classes.stream().mapToLong(SmallClassStats::curregs).sum();
    }

    private static Allocation written(Allocation a) {
        a.segment().fill((byte) 0xA5);
        return a;
    }

    private static void assertZero(Allocation a) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment zeros = arena.allocate(a.size());
            long mismatch = MemorySegment.mismatch(a.segment(), 0, a.size(), zeros, 0, a.size());
            assertEquals(-1, mismatch, () -> a + " holds old data at offset " + mismatch);
        }
    }
}
