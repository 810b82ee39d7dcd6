package io.github.hpa4j.actors;

import static io.github.hpa4j.actors.FakePageHooks.Op.MAP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import io.github.hpa4j.core.Pages;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * DESIGN's invariant: a request whose caller gave up (ask timeout) loses no pages. The facade's ask
 * times out while eden's map is held; the late Allocated reply goes to dead letters and the
 * reclaimer frees it. This kit runs on real time: the ask timeout is a scheduler task.
 *
 * <p>{@code hpa4j.stats()} also asks eden, so it is called only while eden's map is not held; and
 * it reads the reclaimer's count after the shards answered, so tests await the count and a fresh
 * shard snapshot together.
 */
class AskTimeoutReclaimTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final Duration ASK_TIMEOUT = Duration.ofMillis(300);

    @Test
    void shouldFreeTheLateReplyOfATimedOutAllocationSoNoPageLeaks() throws Exception {
        withMapsGated((hpa4j, hooks, shard, maps) -> {
            assertEquals(0, statsNow(hpa4j).reclaimed());
            maps.close();
            CompletableFuture<List<Allocation>> batch =
                    hpa4j.allocateBatch(Pages.PAGE, 100).toCompletableFuture();
            assertTrue(maps.awaitHeld(1, ShardClient.REPLY), "the allocation waits for eden");

            assertAskTimedOut(batch, "the caller sees the ask time out");
            ShardActor.ShardSnapshot waiting = shard.snapshot();
            assertEquals(1, waiting.stashDepth(), "the shard still holds the request");
            assertEquals(0, waiting.stats().liveExtents());

            maps.open();
            TestProbe<Void> poller = testKit.createTestProbe();
            // The stats ask the shards before they read the reclaimer's count: await both.
            AllocatorStats reclaimed = poller.awaitAssert(ShardClient.REPLY, () -> {
                AllocatorStats stats = statsNow(hpa4j);
                assertEquals(100, stats.reclaimed(), "every allocation of the late reply was reclaimed");
                assertEquals(0, stats.total().liveExtents(), "no live extent is left behind");
                return stats;
            });
            assertEquals(0, reclaimed.total().nactive());
            ShardActor.ShardSnapshot snapshot = shard.snapshot();
            assertEquals(0, snapshot.stats().liveExtents());
            assertEquals(0, snapshot.stashDepth());
            assertEquals(1, snapshot.stats().npageslabs(), "the slab grown for the request stays for reuse");

            // The shard serves the facade normally afterwards.
            Allocation next = hpa4j.allocate(Pages.PAGE).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(1, shard.snapshot().stats().liveExtents());
            hpa4j.free(next).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(0, shard.snapshot().stats().liveExtents());
        });
    }

    @Test
    void shouldFreeLateRepliesOfManyTimedOutAllocations() throws Exception {
        withMapsGated((hpa4j, hooks, shard, maps) -> {
            maps.close();
            List<CompletableFuture<Allocation>> asks = IntStream.range(0, 5)
                    .mapToObj(i -> hpa4j.allocate(TestAllocators.CHUNK).toCompletableFuture())
                    .toList();
            assertTrue(maps.awaitHeld(1, ShardClient.REPLY));
            for (CompletableFuture<Allocation> ask : asks) {
                assertAskTimedOut(ask, "each caller sees its ask time out");
            }
            maps.open();
            assertEquals(0, awaitReclaimed(hpa4j, shard, 5).stashDepth());
        });
    }

    @Test
    void shouldReclaimOnlyItsOwnAllocationsWhenTwoAllocatorsShareASystem() throws Exception {
        FakePageHooks hooksA = new FakePageHooks();
        FakePageHooks hooksB = new FakePageHooks();
        Hpa4jSettings settings = timingOut();
        Hpa4j a = TestAllocators.start(testKit, settings.withShards(3), hooksA, new ManualClock());
        Hpa4j b = TestAllocators.start(testKit, settings, hooksB, new ManualClock());

        // An actor client of A's shard 2 stops before its reply arrives: the reply is a dead letter
        // that both reclaimers see, and B has no shard 2.
        ActorRef<ShardActor.AllocateReply> gone = testKit.spawn(Behaviors.empty());
        testKit.stop(gone);
        a.shard(2).tell(new ShardActor.Allocate(Pages.PAGE, 3, gone));
        ShardClient shardA = new ShardClient(testKit, a.shard(2));
        assertEquals(1, awaitReclaimed(a, shardA, 3).stats().npageslabs(), "the allocation was served");

        // B's own late reply is still taken back by B's reclaimer, and only by it.
        Gate maps = hooksB.gate(MAP);
        try {
            maps.close();
            CompletableFuture<Allocation> late = b.allocate(Pages.PAGE).toCompletableFuture();
            assertTrue(maps.awaitHeld(1, ShardClient.REPLY));
            assertAskTimedOut(late, "B's caller sees its ask time out");
            maps.open();
            ShardClient shardB = new ShardClient(testKit, b.shard(0));
            assertEquals(1, awaitReclaimed(b, shardB, 1).stats().npageslabs());
            assertEquals(3, statsNow(a).reclaimed(), "A took back nothing of B's");
        } finally {
            maps.open();
        }
    }

    private static void withMapsGated(GatedShard.Scenario scenario) throws Exception {
        GatedShard.run(testKit, timingOut(), new ManualClock(), MAP, scenario);
    }

    /* Uncached, so that every facade call is an ask of its own that can time out. */
    private static Hpa4jSettings timingOut() {
        return TestAllocators.uncached(TestAllocators.defaults()).withAskTimeout(ASK_TIMEOUT);
    }

    private static void assertAskTimedOut(CompletableFuture<?> ask, String message) {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> ask.get(10, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, failure.getCause(), message);
    }

    /* The reclaimer's count is read after the shards answered: await it with a shard left with no live extent. */
    private static ShardActor.ShardSnapshot awaitReclaimed(Hpa4j hpa4j, ShardClient shard, long expected) {
        TestProbe<Void> poller = testKit.createTestProbe();
        return poller.awaitAssert(ShardClient.REPLY, () -> {
            assertEquals(expected, statsNow(hpa4j).reclaimed(), "the late replies were reclaimed");
            ShardActor.ShardSnapshot s = shard.snapshot();
            assertEquals(0, s.stats().liveExtents(), "no live extent is left behind");
            return s;
        });
    }

    private static AllocatorStats statsNow(Hpa4j hpa4j) throws Exception {
        return hpa4j.stats().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
