package io.github.hpa4j.actors;

import static io.github.hpa4j.actors.FakePageHooks.Op.PURGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import io.github.hpa4j.core.Pages;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** DESIGN's invariant: a slab in mid_purge serves no allocation; frees into it are allowed. */
class ShardPurgeInFlightTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = TestAllocators.manualTimeKit();

    @Test
    void shouldServeNoAllocationFromASlabWhosePurgeIsInFlightButAcceptFreesIntoIt() throws Exception {
        TimeControl time = new TimeControl(ManualTime.get(testKit.system()));
        GatedShard.run(testKit, TestAllocators.defaults(), time.clock, PURGE, (hpa4j, hooks, shard, purges) -> {
            List<Allocation> pages = shard.allocate(Pages.PAGE, 100);
            long purging = Pages.hugepageBase(pages.get(0).address());
            purges.close();
            shard.free(pages.subList(0, 50)); // a shard that never purged purges at once
            assertTrue(purges.awaitHeld(1, ShardClient.REPLY), "the purge reached the OS and is held there");
            ShardActor.ShardSnapshot inFlight = shard.snapshot();
            assertEquals(1, inFlight.stats().jobsInFlight());
            assertEquals(50, inFlight.stats().npendingPurge(), "the freed pages are pending purge");

            // The purging slab has 462 free pages, yet the allocation comes from a new slab.
            Allocation fresh = shard.allocate(Pages.PAGE, 1).get(0);
            assertNotEquals(purging, Pages.hugepageBase(fresh.address()), "a slab in mid_purge serves no allocation");
            assertEquals(2, shard.snapshot().stats().npageslabs());

            shard.free(List.of(pages.get(60))); // a free into the slab being purged
            ShardActor.ShardSnapshot during = shard.snapshot();
            assertEquals(50, during.stats().liveExtents(), "49 left in the purging slab and the fresh one");
            assertEquals(1, during.stats().jobsInFlight(), "the purge is still in flight");

            purges.open();
            ShardActor.ShardSnapshot after = shard.awaitSnapshot(s -> {
                assertEquals(0, s.stats().jobsInFlight());
                assertEquals(1, s.stats().counters().npurgePasses());
            });
            assertEquals(0, after.stats().npendingPurge());
            assertEquals(1, after.stats().ndirty(), "the page freed during the purge is still dirty");
            assertEquals(49 + 1, after.stats().nactive());
            assertEquals(50 * Pages.PAGE, hooks.bytes(PURGE), "only the pages dirty when the purge began");

            // Once the purge ended the slab serves allocations again; its longest free range (412
            // pages) is in a smaller size class than the fresh slab's (511), so it is picked first.
            Allocation reused = shard.allocate(Pages.PAGE, 1).get(0);
            assertEquals(purging, Pages.hugepageBase(reused.address()), "the purged slab serves again");
        });
    }

    @Test
    void shouldNotStartASecondPurgeOfTheSameSlabWhileOneIsInFlight() throws Exception {
        TimeControl time = new TimeControl(ManualTime.get(testKit.system()));
        GatedShard.run(testKit, TestAllocators.defaults(), time.clock, PURGE, (hpa4j, hooks, shard, purges) -> {
            List<Allocation> pages = shard.allocate(Pages.PAGE, 100);
            purges.close();
            shard.free(pages.subList(0, 50));
            assertTrue(purges.awaitHeld(1, ShardClient.REPLY));

            // More dirty pages, a forced pass and a long wait: the slab in flight is in no purge list.
            shard.free(pages.subList(50, 90));
            assertEquals(0, shard.runDeferredWork(), "nothing else to purge while the slab is in flight");
            time.advance(Duration.ofSeconds(30));
            ShardActor.ShardSnapshot during = shard.snapshot();
            assertEquals(1, during.stats().jobsInFlight());
            assertEquals(50, during.stats().npendingPurge());

            purges.open();
            // The 40 pages freed during the first purge are purged in a second pass, 5 s later.
            shard.awaitSnapshot(s -> assertEquals(0, s.stats().jobsInFlight()));
            time.advance(Duration.ofSeconds(5));
            ShardActor.ShardSnapshot after = shard.awaitSnapshot(s -> {
                assertEquals(2, s.stats().counters().npurgePasses());
                assertEquals(0, s.stats().jobsInFlight());
            });
            assertEquals(0, after.stats().ndirty());
            assertEquals(90 * Pages.PAGE, hooks.bytes(PURGE));
        });
    }
}
