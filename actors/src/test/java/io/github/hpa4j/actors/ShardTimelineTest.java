package io.github.hpa4j.actors;

import static io.github.hpa4j.actors.FakePageHooks.Op.DEHUGIFY;
import static io.github.hpa4j.actors.FakePageHooks.Op.HUGIFY;
import static io.github.hpa4j.actors.FakePageHooks.Op.PURGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.ShardCounters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The deferred-work timeline of jemalloc's test_defer_time, through the shard actor's messages and
 * its own timer, under ManualTime with jemalloc's defaults (hugify delay 10 s, dirty_mult 25 %,
 * hugification threshold 95 %, deferral allowed) and, where the timeline is jemalloc's, its hugify
 * policy.
 */
class ShardTimelineTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = TestAllocators.manualTimeKit();

    private static final int HALF = Pages.HUGEPAGE_PAGES / 2;

    @Test
    void shouldHugifyAfterTheDelayDehugifyAndPurgeAfterFreeingHalfThenHugifyAgain() {
        TimeControl time = new TimeControl(ManualTime.get(testKit.system()));
        FakePageHooks hooks = new FakePageHooks();
        Hpa4j hpa4j = TestAllocators.start(
                testKit, TestAllocators.parse("hpa4j.hugify-policy = jemalloc"), hooks, time.clock);
        ShardClient shard = new ShardClient(testKit, hpa4j.shard(0));

        List<Allocation> pages = shard.allocate(Pages.PAGE, Pages.HUGEPAGE_PAGES);
        long slab = Pages.hugepageBase(pages.get(0).address());
        assertEquals(1, shard.snapshot().stats().npageslabs(), "a full slab's worth of pages fills one slab");

        // A full slab is a hugification candidate, but only after the hugify delay.
        time.advanceMillis(9_999);
        ShardActor.ShardSnapshot early = shard.snapshot();
        assertEquals(ShardCounters.ZERO, early.stats().counters(), "nothing before the delay");
        assertEquals(0, early.stats().jobsInFlight(), "no job began before the delay");
        assertEquals(0, hooks.count(HUGIFY));

        time.advanceMillis(1);
        shard.awaitSnapshot(s -> {
            assertEquals(1, s.stats().counters().nhugifies(), "hugified once the delay is over");
            assertEquals(0, s.stats().jobsInFlight());
        });
        assertEquals(
                List.of(slab),
                hooks.calls(HUGIFY).stream().map(FakePageHooks.Call::address).toList());
        assertEquals(1, shard.snapshot().stats().slabs().byHuge(true).npageslabs(), "the slab counts as huge");

        // Free half: 256 dirty pages against 256 active is far above dirty_mult 25 %; a shard that
        // never purged purges at once (its timer is armed with delay 0), dehugified first.
        shard.free(pages.subList(0, HALF));
        ShardActor.ShardSnapshot purged = shard.awaitSnapshot(s -> {
            assertEquals(1, s.stats().counters().npurgePasses());
            assertEquals(0, s.stats().jobsInFlight());
        });
        assertEquals(new ShardCounters(1, 1, 1, 1, 0, 0), purged.stats().counters());
        assertEquals(0, purged.stats().ndirty(), "the freed half went back to the OS");
        assertEquals(HALF, purged.stats().nactive());
        assertEquals(0, purged.stats().slabs().byHuge(true).npageslabs(), "dehugified before the purge");
        assertEquals(1, hooks.count(DEHUGIFY));
        assertEquals(Pages.HUGEPAGE / 2, hooks.bytes(PURGE));
        assertTrue(indexOf(hooks, DEHUGIFY) < indexOf(hooks, PURGE), "dehugify comes before the purge");

        // Refill: the slab meets the threshold again and becomes a candidate from now.
        List<Allocation> live = new ArrayList<>(pages.subList(HALF, pages.size()));
        live.addAll(shard.allocate(Pages.PAGE, HALF));
        assertEquals(1, shard.snapshot().stats().npageslabs(), "the refill reuses the purged pages");
        // Dip below the threshold (472 of 487 pages): eligibility is sticky, and 40 dirty pages are
        // within dirty_mult, so nothing is purged.
        shard.free(live.subList(0, 40));
        time.advanceMillis(9_999);
        ShardActor.ShardSnapshot waiting = shard.snapshot();
        assertEquals(1, waiting.stats().counters().nhugifies(), "not hugified again before the delay");
        assertEquals(1, waiting.stats().counters().npurgePasses(), "40 dirty pages are within dirty_mult");
        assertEquals(40, waiting.stats().ndirty());

        time.advanceMillis(1);
        ShardActor.ShardSnapshot rehugified = shard.awaitSnapshot(s -> {
            assertEquals(2, s.stats().counters().nhugifies(), "hugified again after the delay");
            assertEquals(0, s.stats().jobsInFlight());
        });
        assertEquals(new ShardCounters(1, 1, 2, 1, 0, 0), rehugified.stats().counters());
        assertEquals(
                List.of(slab, slab),
                hooks.calls(HUGIFY).stream().map(FakePageHooks.Call::address).toList());
        assertEquals(Pages.HUGEPAGE_PAGES - 40, rehugified.stats().liveExtents());
    }

    @Test
    void shouldHugifyASlabFilledByGrowthAtOnceAndMakeARefillAfterFreesWaitTheDelay() {
        TimeControl time = new TimeControl(ManualTime.get(testKit.system()));
        FakePageHooks hooks = new FakePageHooks();
        Hpa4j hpa4j =
                TestAllocators.start(testKit, TestAllocators.parse("hpa4j.hugify-policy = growth"), hooks, time.clock);
        ShardClient shard = new ShardClient(testKit, hpa4j.shard(0));

        // Filled from empty by allocations alone: the timer is armed with 0, no time passes.
        List<Allocation> pages = shard.allocate(Pages.PAGE, Pages.HUGEPAGE_PAGES);
        shard.awaitSnapshot(s -> {
            assertEquals(1, s.stats().counters().nhugifies(), "hugified without waiting the delay");
            assertEquals(0, s.stats().jobsInFlight());
        });

        // Half freed (dehugified and purged), then refilled: dense through churn, so it waits.
        shard.free(pages.subList(0, HALF));
        shard.awaitSnapshot(s -> assertEquals(1, s.stats().counters().npurgePasses()));
        shard.allocate(Pages.PAGE, HALF);
        time.advanceMillis(9_999);
        assertEquals(1, shard.snapshot().stats().counters().nhugifies(), "not hugified again before the delay");
        time.advanceMillis(1);
        shard.awaitSnapshot(s -> assertEquals(2, s.stats().counters().nhugifies(), "hugified again after the delay"));
    }

    @Test
    void shouldWaitTheMinimumPurgeIntervalBetweenTwoPurges() {
        TimeControl time = new TimeControl(ManualTime.get(testKit.system()));
        FakePageHooks hooks = new FakePageHooks();
        Hpa4j hpa4j = TestAllocators.start(testKit, TestAllocators.defaults(), hooks, time.clock);
        ShardClient shard = new ShardClient(testKit, hpa4j.shard(0));

        List<Allocation> chunks = shard.allocate(TestAllocators.CHUNK, 20);
        shard.free(chunks.subList(0, 10));
        shard.awaitSnapshot(s -> assertEquals(1, s.stats().counters().npurgePasses(), "the first purge is at once"));

        shard.free(chunks.subList(10, 16));
        time.advanceMillis(4_998);
        ShardActor.ShardSnapshot early = shard.snapshot();
        assertEquals(1, early.stats().counters().npurgePasses(), "no second purge within 5 s of the first");
        assertEquals(6 * 16, early.stats().ndirty());

        time.advanceMillis(2);
        shard.awaitSnapshot(s -> {
            assertEquals(2, s.stats().counters().npurgePasses(), "purged once the interval is over");
            assertEquals(0, s.stats().ndirty());
        });
        assertEquals(2, hooks.count(PURGE));
    }

    private static int indexOf(FakePageHooks hooks, FakePageHooks.Op op) {
        List<FakePageHooks.Call> calls = hooks.calls();
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).op() == op) {
                return i;
            }
        }
        return -1;
    }
}
