package io.github.hpa4j.actors;

import static io.github.hpa4j.testkit.Stages.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import io.github.hpa4j.core.AllocatorException;
import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidCountException;
import io.github.hpa4j.core.InvalidFreeException;
import io.github.hpa4j.core.InvalidSizeException;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.Shard;
import io.github.hpa4j.core.ShardDisabledException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN's invariant: bad input gets a clear, typed error and changes no state. Each request is
 * checked through its reply message and two GetStats snapshots, before and after, of both shards.
 */
class BadInputTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();
    /* Nothing is ever purged, so no page job can change stats between two snapshots. */
    private static final Hpa4jSettings SETTINGS = TestAllocators.parse("hpa4j.dirty-mult = unlimited");
    /* The largest size served at all: the large allocator's. */
    private static final long MAX = SETTINGS.large().maxAllocBytes();
    private static final long SLAB_MAX_ALLOC = SETTINGS.shardOptions().slabMaxAlloc();

    private static Hpa4j hpa4j;
    private static ShardClient zero;
    private static ShardClient one;
    /** Live in shard 0: a 1-page, a 2-page and a 3-page allocation. */
    private static List<Allocation> live;

    private static Allocation ofShardOne;

    @BeforeAll
    static void start() {
        hpa4j = TestAllocators.start(testKit, SETTINGS.withShards(2), new FakePageHooks(), new ManualClock());
        zero = new ShardClient(testKit, hpa4j.shard(0));
        one = new ShardClient(testKit, hpa4j.shard(1));
        live = new ArrayList<>();
        for (int pages = 1; pages <= 3; pages++) {
            live.add(zero.allocate(pages * Pages.PAGE, 1).get(0));
        }
        ofShardOne = one.allocate(Pages.PAGE, 1).get(0);
    }

    /** Runs {@code request} and checks that neither shard's stats moved. */
    private static AllocatorException refusedUnchanged(Supplier<AllocatorException> request) {
        ShardActor.ShardSnapshot zeroBefore = zero.snapshot();
        ShardActor.ShardSnapshot oneBefore = one.snapshot();
        AllocatorException error = request.get();
        assertEquals(zeroBefore, zero.snapshot(), "shard 0 unchanged after " + error);
        assertEquals(oneBefore, one.snapshot(), "shard 1 unchanged after " + error);
        return error;
    }

    private static FreeRefusal refusedFree(List<Allocation> allocations) {
        AllocatorException error = refusedUnchanged(() -> zero.freeFails(allocations));
        return assertInstanceOf(InvalidFreeException.class, error).reason();
    }

    @Test
    void shouldRefuseSizesThatAreNotPositiveOrAboveTheLargestServableWithInvalidSize() {
        for (long bytes : new long[] {0, -1, -Pages.PAGE, MAX + 1, Long.MAX_VALUE}) {
            AllocatorException error = refusedUnchanged(() -> zero.allocateFails(bytes, 1));
            assertEquals(
                    bytes, assertInstanceOf(InvalidSizeException.class, error).requested());
        }
        List<Allocation> largest = zero.allocate(SLAB_MAX_ALLOC, 1);
        assertEquals(SLAB_MAX_ALLOC, largest.get(0).size(), "exactly slab-max-alloc is served as whole pages");
        zero.free(largest);
    }

    @Test
    void shouldRefuseCountsThatAreNotPositiveOrAboveMaxBatchWithInvalidCount() {
        for (int count : new int[] {0, -1, Integer.MIN_VALUE, Shard.MAX_BATCH + 1}) {
            AllocatorException error = refusedUnchanged(() -> zero.allocateFails(Pages.PAGE, count));
            assertEquals(
                    count, assertInstanceOf(InvalidCountException.class, error).count());
        }
    }

    @Test
    void shouldRefuseAFreeOfNoAllocationAsNullExtent() {
        assertEquals(FreeRefusal.NULL_EXTENT, refusedFree(Collections.singletonList(null)));
        assertEquals(FreeRefusal.NULL_EXTENT, refusedFree(Arrays.asList(live.get(0), null)));
    }

    @Test
    void shouldRefuseAHandleOfAnotherAllocatorAsForeign() {
        Hpa4j other = TestAllocators.start(testKit, SETTINGS, new FakePageHooks(), new ManualClock());
        Allocation theirs =
                new ShardClient(testKit, other.shard(0)).allocate(Pages.PAGE, 1).get(0);
        assertEquals(FreeRefusal.FOREIGN_ALLOCATION, refusedFree(List.of(theirs)));
        assertEquals(
                FreeRefusal.FOREIGN_ALLOCATION,
                assertInstanceOf(InvalidFreeException.class, failureOf(hpa4j.free(theirs)))
                        .reason());
        assertEquals(Allocation.State.LIVE, theirs.state(), "still its own allocator's to free");
        other.freeNow(theirs);
    }

    @Test
    void shouldRefuseAHandleOfAStoppedAllocatorAsAllocatorStopped() throws Exception {
        Hpa4j other = TestAllocators.start(testKit, SETTINGS, new FakePageHooks(), new ManualClock());
        Allocation theirs =
                new ShardClient(testKit, other.shard(0)).allocate(Pages.PAGE, 1).get(0);
        other.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(FreeRefusal.ALLOCATOR_STOPPED, refusedFree(List.of(theirs)));
        assertEquals(
                FreeRefusal.ALLOCATOR_STOPPED,
                assertInstanceOf(InvalidFreeException.class, failureOf(hpa4j.freeBatch(List.of(live.get(0), theirs))))
                        .reason());
        assertEquals(Allocation.State.LIVE, live.get(0).state(), "the batch's good handle was given back");
    }

    @Test
    void shouldRefuseAStaleHandleAfterItsAddressWasHandedOutAgain() {
        Allocation first = zero.allocate(Pages.PAGE, 1).get(0);
        zero.free(List.of(first));
        Allocation second = zero.allocate(Pages.PAGE, 1).get(0);
        assertEquals(first.address(), second.address(), "the shard reuses the lowest free page");
        assertEquals(FreeRefusal.NOT_ALLOCATED, refusedFree(List.of(first)));
        assertEquals(Allocation.State.LIVE, second.state(), "the new owner keeps it");
        zero.free(List.of(second));
    }

    @Test
    void shouldRefuseADoubleFreeAsNotAllocated() {
        Allocation once = zero.allocate(Pages.PAGE, 1).get(0);
        zero.free(List.of(once));
        assertEquals(FreeRefusal.NOT_ALLOCATED, refusedFree(List.of(once)));
    }

    @Test
    void shouldRefuseTheSameAllocationTwiceInOneBatch() {
        assertEquals(FreeRefusal.DUPLICATE_IN_BATCH, refusedFree(List.of(live.get(0), live.get(1), live.get(0))));
    }

    @Test
    void shouldRefuseAnAllocationOfAnotherShardAsWrongShard() {
        assertEquals(FreeRefusal.WRONG_SHARD, refusedFree(List.of(ofShardOne)));
        assertEquals(FreeRefusal.WRONG_SHARD, refusedFree(List.of(live.get(0), ofShardOne)));
        assertEquals(Allocation.State.LIVE, live.get(0).state(), "its claim was given back");
    }

    @Test
    void shouldRefuseAWholeBatchWhenOneAllocationInItIsBad() {
        Allocation freed = zero.allocate(Pages.PAGE, 1).get(0);
        zero.free(List.of(freed));
        List<Allocation> batch = List.of(live.get(0), live.get(1), freed);
        assertEquals(FreeRefusal.NOT_ALLOCATED, refusedFree(batch));
        assertEquals(3, zero.snapshot().stats().liveExtents(), "the good ones in the batch are still live");
        assertEquals(Allocation.State.LIVE, live.get(1).state());
    }

    @Test
    void shouldRefuseAnEmptyFreeListAndOneAboveMaxBatchWithInvalidCount() {
        AllocatorException empty = refusedUnchanged(() -> zero.freeFails(List.of()));
        assertEquals(0, assertInstanceOf(InvalidCountException.class, empty).count());
        List<Allocation> tooMany = Collections.nCopies(Shard.MAX_BATCH + 1, live.get(0));
        AllocatorException above = refusedUnchanged(() -> zero.freeFails(tooMany));
        assertEquals(
                Shard.MAX_BATCH + 1,
                assertInstanceOf(InvalidCountException.class, above).count());
    }

    @Test
    void shouldRefuseAFreeMessageWithoutAListWhenItIsBuilt() {
        TestProbe<ShardActor.FreeReply> probe = testKit.createTestProbe();
        assertThrows(NullPointerException.class, () -> new ShardActor.Free(null, probe.getRef()));
    }

    @Test
    void shouldFailTheFacadesStagesWithTheSameTypedErrors() {
        ShardActor.ShardSnapshot zeroBefore = zero.snapshot();
        ShardActor.ShardSnapshot oneBefore = one.snapshot();
        assertInstanceOf(InvalidSizeException.class, failureOf(hpa4j.allocate(0)));
        assertInstanceOf(InvalidSizeException.class, failureOf(hpa4j.allocateBatch(MAX + 1, 2)));
        assertInstanceOf(InvalidCountException.class, failureOf(hpa4j.allocateBatch(Pages.PAGE, 0)));
        assertEquals(
                FreeRefusal.NULL_EXTENT,
                assertInstanceOf(InvalidFreeException.class, failureOf(hpa4j.free(null)))
                        .reason());
        assertEquals(
                FreeRefusal.NULL_EXTENT,
                assertInstanceOf(
                                InvalidFreeException.class, failureOf(hpa4j.freeBatch(Arrays.asList(ofShardOne, null))))
                        .reason(),
                "a batch across shards with one bad entry frees nothing");
        assertEquals(
                FreeRefusal.DUPLICATE_IN_BATCH,
                assertInstanceOf(
                                InvalidFreeException.class,
                                failureOf(hpa4j.freeBatch(List.of(ofShardOne, live.get(0), ofShardOne))))
                        .reason());
        assertInstanceOf(InvalidCountException.class, failureOf(hpa4j.freeBatch(List.of())));
        assertEquals(zeroBefore, zero.snapshot());
        assertEquals(oneBefore, one.snapshot());
    }

    @Test
    void shouldRefuseAllocationsAndFreesAfterShutdownWithShardDisabled() throws Exception {
        Hpa4j stopped =
                TestAllocators.start(testKit, TestAllocators.defaults(), new FakePageHooks(), new ManualClock());
        ShardClient shard = new ShardClient(testKit, stopped.shard(0));
        List<Allocation> held = shard.allocate(Pages.PAGE, 2);
        ShutdownReport report = stopped.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(2, report.liveExtents());

        ShardActor.ShardSnapshot before = shard.snapshot();
        assertInstanceOf(ShardDisabledException.class, shard.allocateFails(Pages.PAGE, 1));
        assertInstanceOf(ShardDisabledException.class, shard.allocateFails(0, 1), "shut down comes first");
        assertInstanceOf(ShardDisabledException.class, shard.freeFails(held));
        assertInstanceOf(ShardDisabledException.class, shard.freeFails(List.of()));
        assertEquals(before, shard.snapshot(), "a stopped shard stays as it was");

        assertInstanceOf(ShardDisabledException.class, failureOf(stopped.allocate(Pages.PAGE)));
        assertInstanceOf(ShardDisabledException.class, failureOf(stopped.allocateBatch(Pages.PAGE, 3)));
        assertInstanceOf(ShardDisabledException.class, failureOf(stopped.free(held.get(0))));
        assertInstanceOf(ShardDisabledException.class, failureOf(stopped.freeBatch(held)));
    }
}
