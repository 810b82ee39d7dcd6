package io.github.hpa4j.actors;

import static io.github.hpa4j.actors.FakePageHooks.Op.MAP;
import static io.github.hpa4j.actors.FakePageHooks.Op.PURGE;
import static io.github.hpa4j.actors.FakePageHooks.Op.UNMAP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.Shard;
import io.github.hpa4j.core.ShardDisabledException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * hpa_shard_disable / destroy as a graceful stop: refuse new allocations, wait for jobs in flight,
 * unmap every slab and what is left of eden, report what had to be reclaimed.
 */
class ShutdownTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = TestAllocators.manualTimeKit();

    @Test
    void shouldReclaimLiveExtentsUnmapEverySlabAndEdenAndReportThem() throws Exception {
        FakePageHooks hooks = new FakePageHooks();
        Hpa4j hpa4j = TestAllocators.start(
                testKit, TestAllocators.defaults().withShards(2).withEdenHugepages(4), hooks, new ManualClock());
        ShardClient zero = new ShardClient(testKit, hpa4j.shard(0));
        ShardClient one = new ShardClient(testKit, hpa4j.shard(1));
        List<Allocation> a = zero.allocate(Pages.PAGE, 600); // two slabs
        List<Allocation> b = one.allocate(3 * Pages.PAGE, 10); // one slab
        zero.free(a.subList(0, 100));

        ShutdownReport report = hpa4j.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(new ShutdownReport(500 + 10, (500 + 3 * 10) * Pages.PAGE, 3, Pages.HUGEPAGE), report);

        Set<Long> slabs = Stream.concat(a.stream(), b.stream())
                .map(x -> Pages.hugepageBase(x.address()))
                .collect(Collectors.toSet());
        assertEquals(3, slabs.size());
        Set<Long> unmapped =
                hooks.calls(UNMAP).stream().map(FakePageHooks.Call::address).collect(Collectors.toSet());
        assertTrue(unmapped.containsAll(slabs), "every slab unmapped: " + unmapped);
        assertEquals(4, hooks.count(UNMAP), "three slabs and the rest of eden, each once");
        assertEquals(hooks.bytes(MAP), hooks.bytes(UNMAP), "everything mapped was unmapped");

        ShardActor.ShardSnapshot after = zero.snapshot();
        assertEquals(0, after.stats().npageslabs());
        assertEquals(0, after.stats().liveExtents());
        assertEquals(report, hpa4j.stop().toCompletableFuture().get(5, TimeUnit.SECONDS), "stop is idempotent");
        assertEquals(4, hooks.count(UNMAP), "a second stop unmaps nothing");
    }

    /** One shard whose first 50 of 100 pages were freed, their purge held in flight by the gate. */
    private record HeldPurge(Hpa4j hpa4j, ShardClient shard, FakePageHooks hooks, Gate purges, List<Allocation> pages) {
        static HeldPurge start() throws InterruptedException {
            FakePageHooks hooks = new FakePageHooks();
            Hpa4jSettings settings = TestAllocators.defaults();
            // Without deferral the free itself dispatches the purge: no timer involved.
            settings = settings.withShardOptions(settings.shardOptions().withDeferralAllowed(false));
            Hpa4j hpa4j = TestAllocators.start(testKit, settings, hooks, new ManualClock());
            ShardClient shard = new ShardClient(testKit, hpa4j.shard(0));
            Gate purges = hooks.gate(PURGE);
            List<Allocation> pages = shard.allocate(Pages.PAGE, 100);
            purges.close();
            shard.free(pages.subList(0, 50));
            assertTrue(purges.awaitHeld(1, ShardClient.REPLY), "a purge is in flight");
            return new HeldPurge(hpa4j, shard, hooks, purges, pages);
        }
    }

    @Test
    void shouldWaitForAJobInFlightBeforeUnmappingItsSlab() throws Exception {
        HeldPurge held = HeldPurge.start();
        Hpa4j hpa4j = held.hpa4j();
        ShardClient shard = held.shard();
        FakePageHooks hooks = held.hooks();
        List<Allocation> pages = held.pages();
        try {
            long slab = Pages.hugepageBase(pages.get(0).address());

            CompletableFuture<ShutdownReport> stop = hpa4j.stop().toCompletableFuture();
            ShardActor.ShardSnapshot stopping = shard.snapshot(); // answered after the Stop
            assertEquals(1, stopping.stats().jobsInFlight());
            assertFalse(stop.isDone(), "stop waits for the purge in flight");
            assertEquals(0, hooks.count(UNMAP), "nothing unmapped under a running OS call");

            // Meanwhile frees are still served and allocations refused.
            shard.free(pages.subList(50, 51));
            assertInstanceOf(ShardDisabledException.class, shard.allocateFails(Pages.PAGE, 1));
            assertFalse(stop.isDone());

            held.purges().open();
            ShutdownReport report = stop.get(5, TimeUnit.SECONDS);
            assertEquals(new ShutdownReport(49, 49 * Pages.PAGE, 1, hooks.bytes(MAP) - Pages.HUGEPAGE), report);
            List<FakePageHooks.Call> calls = hooks.calls();
            int purged = calls.indexOf(new FakePageHooks.Call(PURGE, slab, 50 * Pages.PAGE, false));
            int unmappedSlab = calls.indexOf(new FakePageHooks.Call(UNMAP, slab, Pages.HUGEPAGE, false));
            assertTrue(purged >= 0 && unmappedSlab > purged, "the purge ended before the unmap: " + calls);
        } finally {
            held.purges().open();
        }
    }

    @Test
    void shouldTakeFreesButBeginNoWorkWhileStoppingAndRefuseEverythingOnceStopped() throws Exception {
        HeldPurge held = HeldPurge.start();
        Hpa4j hpa4j = held.hpa4j();
        ShardClient shard = held.shard();
        List<Allocation> pages = held.pages();
        try {
            // The shard actor's own stop, without the facade's steps before it.
            TestProbe<ShardActor.ShardStopped> stopped = testKit.createTestProbe();
            hpa4j.shard(0).tell(new ShardActor.Stop(stopped.getRef()));
            assertTrue(shard.setDeferralAllowed(false), "deferral stays allowed while the shard stops");
            shard.free(pages.subList(50, 60));
            assertInstanceOf(ShardDisabledException.class, shard.allocateFails(Pages.PAGE, 1));
            assertEquals(0, shard.runDeferredWork(), "no pass begins while stopping");
            assertEquals(1, shard.snapshot().stats().jobsInFlight(), "the frees began no purge");
            assertEquals(
                    new ShardActor.ShardStopped(0, new Shard.Reclaimed(0, 0, 0)),
                    shard.stop(),
                    "a second stop is answered at once");
            stopped.expectNoMessage(Duration.ofMillis(100));

            held.purges().open();
            ShardActor.ShardStopped done = stopped.expectMessageClass(ShardActor.ShardStopped.class, ShardClient.REPLY);
            assertEquals(new Shard.Reclaimed(40, 40 * Pages.PAGE, 1), done.reclaimed());
            assertEquals(1, held.hooks().count(PURGE));

            assertInstanceOf(ShardDisabledException.class, shard.freeFails(pages.subList(60, 61)));
            assertInstanceOf(ShardDisabledException.class, shard.allocateFails(Pages.PAGE, 1));
            assertEquals(new ShardActor.ShardStopped(0, new Shard.Reclaimed(0, 0, 0)), shard.stop());
            assertEquals(0, shard.runDeferredWork());
        } finally {
            held.purges().open();
            hpa4j.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldStopWithCoordinatedShutdownWhenTheActorSystemTerminates() throws Exception {
        ActorTestKit dedicated = ActorTestKit.create("ShutdownTest-coordinated");
        FakePageHooks hooks = new FakePageHooks();
        Hpa4j hpa4j =
                TestAllocators.start(dedicated, TestAllocators.defaults().withShards(2), hooks, new ManualClock());
        List<Allocation> live = new ShardClient(dedicated, hpa4j.shard(1)).allocate(Pages.PAGE, 7);
        Set<Long> slabs = new HashSet<>();
        live.forEach(x -> slabs.add(Pages.hugepageBase(x.address())));

        dedicated.shutdownTestKit();

        CompletableFuture<ShutdownReport> stop = hpa4j.stop().toCompletableFuture();
        assertTrue(stop.isDone(), "CoordinatedShutdown ran the stop before the system terminated");
        ShutdownReport report = stop.get();
        assertEquals(7, report.liveExtents());
        assertEquals(7 * Pages.PAGE, report.liveBytes());
        assertEquals(1, report.slabs());
        assertTrue(hooks.calls(UNMAP).stream()
                .map(FakePageHooks.Call::address)
                .toList()
                .containsAll(slabs));
        assertEquals(hooks.bytes(MAP), hooks.bytes(UNMAP), "everything mapped was unmapped");
    }
}
