package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.javadsl.AskPattern;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.actors.ShardActor;
import io.github.hpa4j.actors.ShardOverloadedException;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.core.Pages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A shard waiting for eden holds allocations of at most stash-bytes; one more is answered at once
 * with a typed overload error, and whatever it had already reserved is given back. When eden
 * answers, the stash is served in order and not a page is lost.
 */
class StashOverflowTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final int STASH = 8;

    @Test
    void aFullStashAnswersOverloadedGivesBackPartialReservationsAndLosesNoPageWhenEdenCatchesUp() {
        // The front cache off: it counts the extents each request reserves, which the transfer tier's stock would
        // change.
        Hpa4jSettings settings = It.settings(
                It.FAST_DEFERRED_WORK,
                "hpa4j.cache.enabled = off",
                "hpa4j.shards = 1",
                "hpa4j.eden-hugepages = 1",
                "hpa4j.stash-bytes = " + STASH * 8 * 4 * Pages.PAGE,
                "hpa4j.ask-timeout = 60s");
        FaultyPageHooks hooks = new FaultyPageHooks(PageHooksFactory.create(settings.hugifyStyle()));
        Hpa4j hpa4j = It.start(testKit, settings, hooks);
        PatternLedger ledger = new PatternLedger();
        List<PatternLedger.Tracked> live = new ArrayList<>();

        // One slab with 12 pages free.
        for (Allocation allocation : It.get(hpa4j.allocateBatch(Pages.PAGE, 500))) {
            live.add(ledger.claim(allocation));
        }
        assertEquals(500, shardSnapshot(hpa4j).stats().nactive());

        // Eden's next map hangs. 40 requests of 8 x 4 pages: the first takes the 12 free pages and
        // asks eden for a slab; it and 7 more wait in the stash; the other 32 are turned away.
        hooks.holdMaps();
        List<CompletableFuture<List<Allocation>>> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            requests.add(hpa4j.allocateBatch(4 * Pages.PAGE, 8).toCompletableFuture());
        }
        await("32 overload replies")
                .atMost(Duration.ofSeconds(20))
                .until(() -> requests.stream()
                                .filter(CompletableFuture::isCompletedExceptionally)
                                .count()
                        == 40 - STASH);
        for (CompletableFuture<List<Allocation>> refused : requests.subList(STASH, 40)) {
            It.failureOf(refused, ShardOverloadedException.class);
        }
        ShardActor.ShardSnapshot waiting = shardSnapshot(hpa4j);
        assertEquals(STASH, waiting.stashDepth(), "stash full");
        assertTrue(waiting.growing(), "a slab request to eden is in flight");
        assertEquals(1, hooks.mapsHeld.get(), "eden is stuck in one map");
        assertEquals(512, waiting.stats().nactive(), "the first request holds the slab's last 12 pages");
        assertTrue(requests.subList(0, STASH).stream().noneMatch(CompletableFuture::isDone), "the stashed wait");

        // Frees go on while the shard grows. A request that then fits in part and finds the stash
        // full gives its partial reservation back.
        List<PatternLedger.Tracked> freed = new ArrayList<>(live.subList(0, 20));
        live.removeAll(freed);
        Fleet.freeAll(hpa4j, ledger, freed);
        ShardActor.ShardSnapshot afterFrees = shardSnapshot(hpa4j);
        assertEquals(492, afterFrees.stats().nactive(), "20 pages freed while growing");
        ShardOverloadedException overloaded =
                It.failureOf(hpa4j.allocateBatch(4 * Pages.PAGE, 8), ShardOverloadedException.class);
        assertTrue(overloaded.getMessage().contains("overloaded"), overloaded.getMessage());
        assertEquals(
                afterFrees.stats(),
                shardSnapshot(hpa4j).stats(),
                "the refused request's 5 partial extents were given back");

        // Eden catches up: the stash is served and every page is accounted for.
        hooks.openMaps();
        for (CompletableFuture<List<Allocation>> served : requests.subList(0, STASH)) {
            List<Allocation> allocations = It.get(served);
            assertEquals(8, allocations.size());
            for (Allocation allocation : allocations) {
                live.add(ledger.claim(allocation));
            }
        }
        AllocatorStats quiet = Invariants.assertAfterQuiescence(hpa4j, ledger, live, Duration.ofSeconds(30));
        assertEquals(480 + STASH * 8 * 4, quiet.total().nactive(), "480 single pages + 8 stashed batches of 8 x 4");
        assertEquals(2, hooks.successfulMaps.get(), "one map for the first slab, one for the stash");

        Fleet.freeAll(hpa4j, ledger, live);
        Invariants.assertAfterQuiescence(hpa4j, ledger, List.of(), Duration.ofSeconds(30));
        assertEquals(0, It.get(hpa4j.stop()).liveExtents());
    }

    /* The shard's own snapshot, over the protocol: the facade's stats() would also ask the stuck eden. */
    private static ShardActor.ShardSnapshot shardSnapshot(Hpa4j hpa4j) {
        CompletionStage<ShardActor.ShardSnapshot> snapshot = AskPattern.ask(
                hpa4j.shard(0),
                ShardActor.GetStats::new,
                Duration.ofSeconds(10),
                testKit.system().scheduler());
        return It.get(snapshot);
    }
}
