package io.github.hpa4j.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidFreeException;
import io.github.hpa4j.core.Pages;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Two shards: every allocation names its shard, and a free reaches that shard only. */
class ShardRoutingTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static Hpa4j twoShards(FakePageHooks hooks) {
        // The cache off: every facade free goes to the shards, where the test can see it.
        return TestAllocators.start(
                testKit, TestAllocators.uncached(TestAllocators.defaults().withShards(2)), hooks, new ManualClock());
    }

    @Test
    void shouldRouteEachFreeOfAMixedBatchToTheShardThatOwnsIt() throws Exception {
        Hpa4j hpa4j = twoShards(new FakePageHooks());
        ShardClient zero = new ShardClient(testKit, hpa4j.shard(0));
        ShardClient one = new ShardClient(testKit, hpa4j.shard(1));
        List<Allocation> fromZero = zero.allocate(Pages.PAGE, 10);
        List<Allocation> fromOne = one.allocate(2 * Pages.PAGE, 6);
        assertTrue(fromZero.stream().allMatch(a -> a.shard() == 0));
        assertTrue(fromOne.stream().allMatch(a -> a.shard() == 1));
        assertNotEquals(
                Pages.hugepageBase(fromZero.get(0).address()),
                Pages.hugepageBase(fromOne.get(0).address()),
                "each shard owns its own slabs");

        List<Allocation> mixed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            mixed.add(fromZero.get(i));
            mixed.add(fromOne.get(i));
        }
        hpa4j.freeBatch(mixed).toCompletableFuture().get(5, TimeUnit.SECONDS);

        ShardActor.ShardSnapshot z = zero.snapshot();
        ShardActor.ShardSnapshot o = one.snapshot();
        assertEquals(4, z.stats().liveExtents(), "shard 0 freed its 6");
        assertEquals(4, z.stats().nactive());
        assertEquals(0, o.stats().liveExtents(), "shard 1 freed its 6");
        assertEquals(0, o.stats().nactive());
    }

    @Test
    void shouldRefuseAnAllocationOfShardOneSentToShardZeroAsWrongShard() {
        Hpa4j hpa4j = twoShards(new FakePageHooks());
        ShardClient zero = new ShardClient(testKit, hpa4j.shard(0));
        ShardClient one = new ShardClient(testKit, hpa4j.shard(1));
        zero.allocate(Pages.PAGE, 3);
        Allocation ofOne = one.allocate(Pages.PAGE, 1).get(0);

        ShardActor.ShardSnapshot zeroBefore = zero.snapshot();
        ShardActor.ShardSnapshot oneBefore = one.snapshot();
        InvalidFreeException refused = assertInstanceOf(InvalidFreeException.class, zero.freeFails(List.of(ofOne)));
        assertEquals(FreeRefusal.WRONG_SHARD, refused.reason());
        assertEquals(ofOne.address(), refused.address());
        assertEquals(zeroBefore.stats(), zero.snapshot().stats(), "shard 0 unchanged");
        assertEquals(oneBefore.stats(), one.snapshot().stats(), "shard 1 unchanged: the allocation is still live");

        one.free(List.of(ofOne));
        assertEquals(0, one.snapshot().stats().liveExtents(), "its owner frees it");
    }

    @Test
    void shouldFreeNothingOfAMixedFacadeBatchWithOneBadEntry() throws Exception {
        Hpa4j hpa4j = twoShards(new FakePageHooks());
        ShardClient zero = new ShardClient(testKit, hpa4j.shard(0));
        ShardClient one = new ShardClient(testKit, hpa4j.shard(1));
        List<Allocation> fromZero = zero.allocate(Pages.PAGE, 2);
        List<Allocation> fromOne = one.allocate(Pages.PAGE, 3);
        Allocation stale = fromOne.get(2);
        one.free(List.of(stale));

        ExecutionException failure = assertThrows(
                ExecutionException.class,
                () -> hpa4j.freeBatch(List.of(fromZero.get(0), fromOne.get(0), stale, fromZero.get(1)))
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS));
        InvalidFreeException refused = assertInstanceOf(InvalidFreeException.class, failure.getCause());
        assertEquals(FreeRefusal.NOT_ALLOCATED, refused.reason());
        assertEquals(2, zero.snapshot().stats().liveExtents(), "shard 0's part was not freed either");
        assertEquals(2, one.snapshot().stats().liveExtents(), "shard 1's good part was not freed");
        hpa4j.freeBatch(List.of(fromZero.get(0), fromOne.get(0), fromZero.get(1), fromOne.get(1)))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertEquals(
                0,
                zero.snapshot().stats().liveExtents() + one.snapshot().stats().liveExtents(),
                "the claims were given back: the same handles free now");
    }

    @Test
    void shouldServeAPlainThreadFromTheSameShardEveryTime() throws Exception {
        Hpa4j hpa4j = twoShards(new FakePageHooks());
        List<Allocation> allocations = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            allocations.add(hpa4j.allocate(Pages.PAGE).toCompletableFuture().get(5, TimeUnit.SECONDS));
        }
        allocations.addAll(
                hpa4j.allocateBatch(Pages.PAGE, 3).toCompletableFuture().get(5, TimeUnit.SECONDS));
        int shard = allocations.get(0).shard();
        assertTrue(allocations.stream().allMatch(a -> a.shard() == shard), "one thread, one shard: " + allocations);
        ShardClient owner = new ShardClient(testKit, hpa4j.shard(shard));
        ShardClient other = new ShardClient(testKit, hpa4j.shard(1 - shard));
        assertEquals(
                7 + hpa4j.cacheStats().cachedExtents(),
                owner.snapshot().stats().liveExtents(),
                "the 7 and the front cache's extents, active in the shard");
        assertEquals(0, other.snapshot().stats().npageslabs(), "the other shard never grew");
        hpa4j.freeBatch(allocations).toCompletableFuture().get(5, TimeUnit.SECONDS);
        hpa4j.trimCaches().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(0, owner.snapshot().stats().liveExtents());
    }
}
