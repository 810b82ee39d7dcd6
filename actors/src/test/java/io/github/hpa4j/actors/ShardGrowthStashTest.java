package io.github.hpa4j.actors;

import static io.github.hpa4j.actors.FakePageHooks.Op.MAP;
import static io.github.hpa4j.actors.TestAllocators.CHUNK;
import static io.github.hpa4j.actors.TestAllocators.CHUNKS_PER_SLAB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import io.github.hpa4j.core.AllocatorException;
import io.github.hpa4j.core.EdenExhaustedException;
import io.github.hpa4j.core.Pages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * hpa.c's grow_mtx as the shard's growing state: one Extract to eden at a time, allocations that
 * need a new slab wait in a bounded stash, frees and allocations that fit go on. Eden maps one
 * hugepage at a time here, so every slab is one map call, which the test holds at a gate.
 */
class ShardGrowthStashTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = TestAllocators.manualTimeKit();

    private static Hpa4jSettings oneHugepageEden() {
        return TestAllocators.defaults().withEdenHugepages(1);
    }

    private static void withMapsGated(Hpa4jSettings settings, GatedShard.Scenario scenario) throws Exception {
        GatedShard.run(testKit, settings, new ManualClock(), MAP, scenario);
    }

    private static long hugepagesSpanned(List<Allocation> allocations) {
        return allocations.stream()
                .map(x -> Pages.hugepageBase(x.address()))
                .distinct()
                .count();
    }

    @Test
    void shouldServeFreesAndFittingAllocationsWhileAnAllocationWaitsForEden() throws Exception {
        withMapsGated(oneHugepageEden(), (hpa4j, hooks, shard, maps) -> {
            List<Allocation> full = shard.allocate(CHUNK, CHUNKS_PER_SLAB);
            long firstSlab = Pages.hugepageBase(full.get(0).address());

            maps.close();
            TestProbe<ShardActor.AllocateReply> waiting = shard.sendAllocate(CHUNK, 1);
            assertTrue(maps.awaitHeld(1, ShardClient.REPLY), "the shard asked eden to grow");
            ShardActor.ShardSnapshot growing = shard.snapshot();
            assertEquals(1, growing.stashDepth(), "the allocation waits in the stash");
            assertTrue(growing.growing());

            shard.free(full.subList(0, 2)); // answered while eden is blocked
            Allocation fits = shard.allocate(CHUNK, 1).get(0);
            assertEquals(firstSlab, Pages.hugepageBase(fits.address()), "an allocation that fits is served at once");
            ShardActor.ShardSnapshot meanwhile = shard.snapshot();
            assertEquals(1, meanwhile.stashDepth(), "the stashed allocation still waits for its slab");
            assertEquals(CHUNKS_PER_SLAB - 1, meanwhile.stats().liveExtents());

            maps.open();
            Allocation grown = ShardClient.expectAllocated(waiting, 1).get(0);
            ShardActor.ShardSnapshot after = shard.snapshot();
            assertEquals(0, after.stashDepth());
            assertTrue(!after.growing(), "growing ends with eden's reply");
            assertEquals(CHUNKS_PER_SLAB, after.stats().liveExtents());
            assertEquals(2, after.stats().npageslabs(), "one slab grown, no more");
            assertEquals(2, hooks.count(MAP));
            assertNotEquals(grown.address(), fits.address());
        });
    }

    @Test
    void shouldAskEdenOnceForAllWaitingAllocationsAndServeThemInOrder() throws Exception {
        withMapsGated(oneHugepageEden(), (hpa4j, hooks, shard, maps) -> {
            shard.allocate(CHUNK, CHUNKS_PER_SLAB);
            maps.close();
            TestProbe<ShardActor.AllocateReply> first = shard.sendAllocate(CHUNK, 20);
            TestProbe<ShardActor.AllocateReply> second = shard.sendAllocate(CHUNK, 20);
            assertTrue(maps.awaitHeld(1, ShardClient.REPLY));
            assertEquals(2, shard.snapshot().stashDepth());

            maps.open();
            // 20 chunks fit the second slab; the next 20 need a third, asked for only then.
            List<Allocation> a = ShardClient.expectAllocated(first, 20);
            List<Allocation> b = ShardClient.expectAllocated(second, 20);
            assertEquals(3, shard.snapshot().stats().npageslabs());
            assertEquals(3, hooks.count(MAP));
            assertEquals(
                    1, hugepagesSpanned(a), "the first waiting allocation is served whole from the first new slab");
            assertEquals(2, hugepagesSpanned(b), "the second takes the rest of it and part of the next");
        });
    }

    @Test
    void shouldAnswerOverloadedWhenTheStashIsFullAndLeakNoPages() throws Exception {
        withMapsGated(oneHugepageEden().withStashBytes(2 * CHUNK), (hpa4j, hooks, shard, maps) -> {
            List<Allocation> full = shard.allocate(CHUNK, CHUNKS_PER_SLAB);
            maps.close();
            TestProbe<ShardActor.AllocateReply> a = shard.sendAllocate(CHUNK, 1);
            TestProbe<ShardActor.AllocateReply> b = shard.sendAllocate(CHUNK, 1);
            assertTrue(maps.awaitHeld(1, ShardClient.REPLY));
            assertEquals(2, shard.snapshot().stashDepth());

            // One chunk is free again: the third request gets it, then finds the stash full and
            // must give it back.
            shard.free(full.subList(0, 1));
            ShardActor.ShardSnapshot before = shard.snapshot();
            AllocatorException overloaded = shard.allocateFails(CHUNK, 2);
            assertInstanceOf(ShardOverloadedException.class, overloaded);
            assertTrue(
                    overloaded.getMessage().contains("allocations of " + 2 * CHUNK + " bytes already wait"),
                    overloaded.getMessage());
            ShardActor.ShardSnapshot after = shard.snapshot();
            assertEquals(before.stats(), after.stats(), "the overloaded request left no page allocated");
            assertEquals(CHUNKS_PER_SLAB - 1, after.stats().liveExtents());
            assertEquals(2, after.stashDepth());

            maps.open();
            List<Allocation> served = new ArrayList<>(ShardClient.expectAllocated(a, 1));
            served.addAll(ShardClient.expectAllocated(b, 1));
            ShardActor.ShardSnapshot grown = shard.snapshot();
            assertEquals(CHUNKS_PER_SLAB + 1, grown.stats().liveExtents());
            shard.free(served);
            shard.free(full.subList(1, CHUNKS_PER_SLAB));
            assertEquals(0, shard.snapshot().stats().nactive(), "every page came back");
        });
    }

    @Test
    void shouldFailWaitingAllocationsWithEdenExhaustedAndServeAgainOnceEdenCanMap() throws Exception {
        withMapsGated(oneHugepageEden(), (hpa4j, hooks, shard, maps) -> {
            shard.allocate(CHUNK, CHUNKS_PER_SLAB - 1);
            maps.close();
            // The first takes the last chunk of the slab and waits for 1 more; the second waits whole.
            TestProbe<ShardActor.AllocateReply> a = shard.sendAllocate(CHUNK, 2);
            TestProbe<ShardActor.AllocateReply> b = shard.sendAllocate(CHUNK, 3);
            assertTrue(maps.awaitHeld(1, ShardClient.REPLY));
            ShardActor.ShardSnapshot before = shard.snapshot();
            assertEquals(2, before.stashDepth());
            assertEquals(CHUNKS_PER_SLAB, before.stats().liveExtents(), "the part already served is held");

            hooks.failNext(MAP, 1);
            maps.open();
            assertInstanceOf(EdenExhaustedException.class, ShardClient.expectAllocateFailed(a));
            assertInstanceOf(EdenExhaustedException.class, ShardClient.expectAllocateFailed(b));
            ShardActor.ShardSnapshot failed = shard.snapshot();
            assertEquals(CHUNKS_PER_SLAB - 1, failed.stats().liveExtents(), "the partial batch was given back");
            assertEquals(0, failed.stashDepth());
            assertTrue(!failed.growing());
            assertEquals(1, hooks.failures(MAP));

            List<Allocation> recovered = shard.allocate(CHUNK, 3);
            assertEquals(CHUNKS_PER_SLAB + 2, shard.snapshot().stats().liveExtents());
            assertEquals(3, recovered.size());
            assertEquals(2, hooks.count(MAP), "eden grew on the next request");
        });
    }
}
