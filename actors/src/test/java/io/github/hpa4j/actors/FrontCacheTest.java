package io.github.hpa4j.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidFreeException;
import io.github.hpa4j.core.InvalidSizeException;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.ShardDisabledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The front cache through the public facade, on fake hooks: hits send no message, a miss is
 * one batch allocation and a flush one batch free, cached extents stay active in their shard and are
 * reported apart, double frees are caught while the first free is cached, and the caches give
 * memory back (max-hold, idle, thread death, trim, shutdown).
 */
class FrontCacheTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Duration LONG = Duration.ofHours(1);
    private static final long PAGE = Pages.PAGE;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    /** One shard (unless said), dirty pages never purged, a cache of 8 per class; no sweep unless set. */
    private static Hpa4j start(int shards, Duration sweep, Duration maxHold, Duration idle) {
        Hpa4jSettings settings = TestAllocators.parse("hpa4j.dirty-mult = unlimited").withShards(shards);
        settings = settings.withCache(settings.cache().withEnabled(true).withMaxPerClass(8)
                .withTimes(sweep, maxHold, idle));
        return TestAllocators.start(testKit, settings, new FakePageHooks(), new ManualClock());
    }

    private static Hpa4j start() {
        return start(1, LONG, LONG, LONG);
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletionStage<?> stage) throws Exception {
        try {
            Object value = stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Runs {@code task} on a fresh thread the facade maps to {@code shard}, and waits for it to end. */
    private static <T> T onThreadOf(Hpa4j hpa4j, int shard, Callable<T> task) throws Exception {
        FutureTask<T> future = new FutureTask<>(task);
        Thread thread;
        do {
            thread = new Thread(future, "shard-" + shard + "-client");
        } while (Math.floorMod(thread.threadId(), (long) hpa4j.shardCount()) != shard);
        thread.start();
        thread.join(5_000);
        return future.get(5, TimeUnit.SECONDS);
    }

    private static ShardClient client(Hpa4j hpa4j, int shard) {
        return new ShardClient(testKit, hpa4j.shard(shard));
    }

    @Test
    void shouldServeHitsFromTheThreadsCacheWithoutAMessageWhileTheShardCountsThemActive() throws Exception {
        Hpa4j hpa4j = start();
        ShardClient shard = client(hpa4j, 0);

        Allocation first = get(hpa4j.allocate(PAGE));
        CacheStats afterMiss = hpa4j.cacheStats();
        assertEquals(1, afterMiss.misses());
        assertEquals(1, afterMiss.refills(), "one batch allocation");
        assertEquals(4, afterMiss.cachedExtents(), "half a bin of extras came with the miss");
        assertEquals(5, shard.snapshot().stats().liveExtents(), "cached extents are active in the shard");

        ShardActor.ShardSnapshot before = shard.snapshot();
        List<Allocation> hits = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CompletableFuture<Allocation> stage = hpa4j.allocate(PAGE - 100).toCompletableFuture();
            assertTrue(stage.isDone(), "a hit is answered before the call returns: no ask");
            hits.add(stage.join());
        }
        CacheStats afterHits = hpa4j.cacheStats();
        assertEquals(4, afterHits.hits());
        assertEquals(1, afterHits.refills(), "no further message");
        assertEquals(0, afterHits.cachedExtents());
        assertEquals(before, shard.snapshot(), "the shard saw nothing of the hits");
        assertEquals(5, hits.stream().map(Allocation::address).distinct().count() + 1
                - (hits.contains(first) ? 1 : 0), "five distinct extents");

        AllocatorStats stats = get(hpa4j.stats());
        assertEquals(afterHits, new CacheStats(stats.cache().caches(), 0, 0, 4, 1, 1, 0, 0));
        assertEquals(5 * PAGE, stats.heldBytes());
    }

    @Test
    void shouldRefillWithOneBatchAndFlushTheOlderHalfOfAFullBinWithOneBatchFree() throws Exception {
        Hpa4j hpa4j = start();
        ShardClient shard = client(hpa4j, 0);
        List<Allocation> eight = get(hpa4j.allocateBatch(2 * PAGE, 8));
        assertEquals(1, hpa4j.cacheStats().refills());
        assertEquals(12, shard.snapshot().stats().liveExtents(), "8 asked + 4 extras in one Allocate");

        for (Allocation a : eight) {
            assertTrue(hpa4j.free(a).toCompletableFuture().isDone(), "a cached free answers at once");
        }
        CacheStats stats = hpa4j.cacheStats();
        assertEquals(1, stats.flushes(), "the bin filled once: its older half went in one Free");
        assertEquals(8, stats.cachedExtents());
        assertEquals(8 * 2 * PAGE, stats.cachedBytes());
        shard.awaitSnapshot(s -> assertEquals(8, s.stats().liveExtents(), "the flushed four are free"));
    }

    @Test
    void shouldBatchFreesOfAnotherShardsExtentsToTheirOwner() throws Exception {
        Hpa4j hpa4j = start(2, LONG, LONG, LONG);
        ShardClient one = client(hpa4j, 1);
        // remote-batch is 32 by default: 40 frees make one batch and leave 8 waiting.
        List<Allocation> ofOne = onThreadOf(hpa4j, 1, () -> get(hpa4j.allocateBatch(PAGE, 40)));
        long live = one.snapshot().stats().liveExtents();
        assertEquals(44, live, "40 + 4 extras");
        onThreadOf(hpa4j, 0, () -> get(hpa4j.freeBatch(ofOne)));
        CacheStats stats = hpa4j.cacheStats();
        assertEquals(1, stats.remoteBatches(), "32 frees went to shard 1 in one message");
        assertEquals(4 + 8, stats.cachedExtents(), "shard 1's extras and the 8 frees still waiting");
        one.awaitSnapshot(s -> assertEquals(12, s.stats().liveExtents()));
        assertEquals(0, client(hpa4j, 0).snapshot().stats().liveExtents(), "nothing reached shard 0");

        get(hpa4j.trimCaches());
        assertEquals(2, hpa4j.cacheStats().remoteBatches(), "the trim sent the last 8 in one batch");
        assertEquals(0, one.snapshot().stats().liveExtents());
    }

    @Test
    void shouldCatchADoubleFreeWhileTheFirstFreeSitsInTheCacheAndChangeNothing() throws Exception {
        Hpa4j hpa4j = start();
        ShardClient shard = client(hpa4j, 0);
        Allocation once = hpa4j.allocateNow(PAGE);
        Allocation kept = hpa4j.allocateNow(PAGE);
        hpa4j.freeNow(once);
        ShardActor.ShardSnapshot before = shard.snapshot();
        CacheStats cacheBefore = hpa4j.cacheStats();

        InvalidFreeException sync = assertThrows(InvalidFreeException.class, () -> hpa4j.freeNow(once));
        assertEquals(FreeRefusal.NOT_ALLOCATED, sync.reason());
        assertEquals(FreeRefusal.NOT_ALLOCATED,
                assertInstanceOf(InvalidFreeException.class, failureOf(hpa4j.free(once))).reason());
        assertEquals(FreeRefusal.NOT_ALLOCATED, assertInstanceOf(InvalidFreeException.class,
                failureOf(hpa4j.freeBatch(List.of(kept, once)))).reason(), "a batch with it is refused whole");

        assertEquals(before, shard.snapshot());
        assertEquals(cacheBefore, hpa4j.cacheStats());

        List<Allocation> byProtocol = shard.allocate(PAGE, 1);
        ShardActor.ShardSnapshot withProtocol = shard.snapshot();
        assertEquals(FreeRefusal.NOT_ALLOCATED, assertInstanceOf(InvalidFreeException.class,
                failureOf(hpa4j.freeBatch(List.of(byProtocol.get(0), once)))).reason(),
                "a cached address never reaches the shard, even beside an allocation the cache did not hand out");
        assertEquals(withProtocol, shard.snapshot(), "the shard freed neither");
        shard.free(byProtocol);
        assertEquals(cacheBefore, hpa4j.cacheStats());
        hpa4j.freeNow(kept); // still live: the refused batch changed nothing
        assertEquals(cacheBefore.cachedExtents() + 1, hpa4j.cacheStats().cachedExtents());
    }

    @Test
    void shouldRefuseStaleForeignAndNullHandlesAndChangeNothing() throws Exception {
        Hpa4j hpa4j = start();
        Hpa4j other = start();
        ShardClient shard = client(hpa4j, 0);
        Allocation stale = hpa4j.allocateNow(3 * PAGE);
        hpa4j.freeNow(stale);
        Allocation live = hpa4j.allocateNow(3 * PAGE);
        assertEquals(stale.address(), live.address(), "a hit hands the cached extent out again");
        Allocation foreign = other.allocateNow(3 * PAGE);
        ShardActor.ShardSnapshot before = shard.snapshot();
        CacheStats cacheBefore = hpa4j.cacheStats();

        assertEquals(FreeRefusal.NOT_ALLOCATED, assertThrows(InvalidFreeException.class,
                () -> hpa4j.freeNow(stale)).reason(), "the stale handle, though its address is live again");
        assertEquals(Allocation.State.LIVE, live.state());
        assertEquals(FreeRefusal.FOREIGN_ALLOCATION, assertThrows(InvalidFreeException.class,
                () -> hpa4j.freeNow(foreign)).reason());
        assertEquals(FreeRefusal.NULL_EXTENT, assertThrows(InvalidFreeException.class,
                () -> hpa4j.freeNow(null)).reason());
        assertEquals(FreeRefusal.DUPLICATE_IN_BATCH, assertInstanceOf(InvalidFreeException.class,
                failureOf(hpa4j.freeBatch(List.of(live, live)))).reason());
        assertEquals(FreeRefusal.NULL_EXTENT, assertInstanceOf(InvalidFreeException.class,
                failureOf(hpa4j.freeBatch(Arrays.asList(live, null)))).reason());

        assertEquals(before, shard.snapshot());
        assertEquals(cacheBefore, hpa4j.cacheStats());
        hpa4j.freeNow(live);
    }

    @Test
    void shouldTakeFreesOfProtocolAllocationsIntoTheCacheOnceEach() throws Exception {
        Hpa4j hpa4j = start();
        ShardClient shard = client(hpa4j, 0);
        List<Allocation> byProtocol = shard.allocate(PAGE, 2);
        hpa4j.freeNow(byProtocol.get(0));
        get(hpa4j.free(byProtocol.get(1)));
        assertEquals(2, hpa4j.cacheStats().cachedExtents(), "a handle is the allocator's, whoever asked for it");
        assertEquals(Allocation.State.CACHED, byProtocol.get(0).state());
        assertEquals(FreeRefusal.NOT_ALLOCATED, assertThrows(InvalidFreeException.class,
                () -> hpa4j.freeNow(byProtocol.get(0))).reason());
        assertEquals(FreeRefusal.NOT_ALLOCATED, assertInstanceOf(InvalidFreeException.class,
                shard.freeFails(List.of(byProtocol.get(1)))).reason(), "nor can the protocol free it again");
        get(hpa4j.trimCaches());
        assertEquals(0, shard.snapshot().stats().liveExtents());
        assertEquals(Allocation.State.FREED, byProtocol.get(1).state());
    }

    @Test
    void shouldServeAllocateNowAndFreeNowAndThrowTheTypedErrorsUnwrapped() throws Exception {
        Hpa4j hpa4j = start();
        long max = hpa4j.settings().shardOptions().slabMaxAlloc();
        Allocation a = hpa4j.allocateNow(10_000);
        assertEquals(3 * PAGE, a.size());
        Allocation b = hpa4j.allocateNow(3 * PAGE);
        assertEquals(1, hpa4j.cacheStats().hits());
        hpa4j.freeNow(a);
        hpa4j.freeNow(b);
        assertEquals(0, assertThrows(InvalidSizeException.class, () -> hpa4j.allocateNow(0)).requested());
        assertEquals(max + 1, assertThrows(InvalidSizeException.class, () -> hpa4j.allocateNow(max + 1)).requested());
        assertInstanceOf(InvalidSizeException.class, failureOf(hpa4j.allocate(-1)));

        get(hpa4j.stop());
        assertThrows(ShardDisabledException.class, () -> hpa4j.allocateNow(PAGE));
        assertThrows(ShardDisabledException.class, () -> hpa4j.freeNow(a));
    }

    @Test
    void shouldWorkTheSameWithTheCacheOff() throws Exception {
        Hpa4jSettings settings = TestAllocators.parse("hpa4j.cache.enabled = off");
        Hpa4j hpa4j = TestAllocators.start(testKit, settings, new FakePageHooks(), new ManualClock());
        ShardClient shard = client(hpa4j, 0);
        Allocation a = hpa4j.allocateNow(PAGE);
        assertEquals(1, shard.snapshot().stats().liveExtents(), "no extras without a cache");
        hpa4j.freeNow(a);
        assertEquals(0, shard.snapshot().stats().liveExtents(), "the free reached the shard before freeNow returned");
        assertEquals(FreeRefusal.NOT_ALLOCATED, assertThrows(InvalidFreeException.class, () -> hpa4j.freeNow(a)).reason());
        assertSame(CacheStats.NONE, hpa4j.cacheStats());
        assertSame(CacheStats.NONE, get(hpa4j.stats()).cache());
    }

    @Test
    void shouldFlushExtentsHeldLongerThanMaxHold() throws Exception {
        Hpa4j hpa4j = start(1, Duration.ofMillis(20), Duration.ofMillis(300), LONG);
        ShardClient shard = client(hpa4j, 0);
        onThreadOf(hpa4j, 0, () -> {
            hpa4j.freeNow(hpa4j.allocateNow(PAGE));
            return null;
        });
        // The thread ended, but its cache is also flushed for the age of its entries.
        shard.awaitSnapshot(s -> assertEquals(0, s.stats().liveExtents()));
        assertEquals(0, hpa4j.cacheStats().cachedExtents());
        // A live thread's entries go too: the test thread keeps using its cache (never idle).
        hpa4j.freeNow(hpa4j.allocateNow(PAGE));
        assertTrue(hpa4j.cacheStats().cachedExtents() > 0);
        shard.awaitSnapshot(s -> assertEquals(0, s.stats().liveExtents(), "max-hold + sweep bounds the hold"));
        assertTrue(hpa4j.cacheStats().flushes() >= 2);
    }

    @Test
    void shouldFlushACacheIdleLongerThanTheIdleTimeout() throws Exception {
        Hpa4j hpa4j = start(1, Duration.ofMillis(20), LONG, Duration.ofMillis(100));
        ShardClient shard = client(hpa4j, 0);
        hpa4j.freeNow(hpa4j.allocateNow(PAGE));
        assertEquals(5, hpa4j.cacheStats().cachedExtents());
        shard.awaitSnapshot(s -> assertEquals(0, s.stats().liveExtents()));
        assertEquals(0, hpa4j.cacheStats().cachedExtents());
        assertEquals(1, hpa4j.cacheStats().caches(), "an idle cache is emptied, not dropped");
    }

    @Test
    void shouldFlushAndDropTheCacheOfAThreadThatEnded() throws Exception {
        Hpa4j hpa4j = start(1, Duration.ofMillis(20), LONG, LONG);
        ShardClient shard = client(hpa4j, 0);
        CacheStats cached = onThreadOf(hpa4j, 0, () -> {
            hpa4j.freeNow(hpa4j.allocateNow(PAGE));
            return hpa4j.cacheStats();
        });
        assertEquals(1, cached.caches());
        assertEquals(5, cached.cachedExtents());
        shard.awaitSnapshot(s -> assertEquals(0, s.stats().liveExtents()));
        CacheStats after = hpa4j.cacheStats();
        assertEquals(0, after.caches(), "dropped");
        assertEquals(1, after.refills(), "its counters are kept");
        assertEquals(1, after.flushes());
    }

    @Test
    void shouldFlushEverythingOnTrimCaches() throws Exception {
        Hpa4j hpa4j = start();
        ShardClient shard = client(hpa4j, 0);
        Allocation held = hpa4j.allocateNow(PAGE);
        List<Allocation> freed = get(hpa4j.allocateBatch(4 * PAGE, 3));
        get(hpa4j.freeBatch(freed));
        assertEquals(1 + 4 + 3 + 4, shard.snapshot().stats().liveExtents());
        get(hpa4j.trimCaches());
        assertEquals(1, shard.snapshot().stats().liveExtents(), "only what the test holds is active");
        AllocatorStats stats = get(hpa4j.stats());
        assertEquals(0, stats.cache().cachedBytes());
        assertEquals(PAGE, stats.activeBytes());
        hpa4j.freeNow(held);
    }

    @Test
    void shouldGiveBackWhatACallPoppedAndReclaimItsLateRefillWholeWhenTheAskTimesOut() throws Exception {
        FakePageHooks hooks = new FakePageHooks();
        // One hugepage of eden per map: a shard that grows must wait for a MAP, held at the gate.
        Hpa4jSettings settings = TestAllocators.parse("hpa4j.dirty-mult = unlimited\nhpa4j.eden-hugepages = 1")
                .withAskTimeout(Duration.ofMillis(300));
        settings = settings.withCache(settings.cache().withMaxPerClass(8).withTimes(LONG, LONG, LONG));
        Hpa4j hpa4j = TestAllocators.start(testKit, settings, hooks, new ManualClock());
        ShardClient shard = client(hpa4j, 0);
        Gate maps = hooks.gate(FakePageHooks.Op.MAP);
        try {
            hpa4j.freeNow(hpa4j.allocateNow(PAGE));
            assertEquals(5, hpa4j.cacheStats().cachedExtents());

            maps.close();
            // 5 hits and one refill of 600 + 4 extras, more than the slab holds: the shard grows.
            CompletableFuture<List<Allocation>> call = hpa4j.allocateBatch(PAGE, 605).toCompletableFuture();
            assertTrue(maps.awaitHeld(1, ShardClient.REPLY), "the refill waits for eden");
            ExecutionException failure = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
            assertInstanceOf(java.util.concurrent.TimeoutException.class, failure.getCause());
            CacheStats afterTimeout = hpa4j.cacheStats();
            assertEquals(5, afterTimeout.cachedExtents(), "the five popped extents went back to the bin");
            assertEquals(0, afterTimeout.hits(), "and count as no hit");

            maps.open();
            TestProbe<Void> poller = testKit.createTestProbe();
            poller.awaitAssert(ShardClient.REPLY, () -> {
                AllocatorStats stats = get(hpa4j.stats());
                assertEquals(604, stats.reclaimed(), "the late refill, extras included, was reclaimed");
                assertEquals(5, stats.total().liveExtents(), "only the cached five are active");
                return stats;
            });
            get(hpa4j.trimCaches());
            assertEquals(0, shard.snapshot().stats().liveExtents());
        } finally {
            maps.open();
        }
    }

    @Test
    void shouldFlushTheCachesBeforeTheShardsStop() throws Exception {
        Hpa4j hpa4j = start();
        Allocation held = hpa4j.allocateNow(PAGE);
        hpa4j.freeNow(hpa4j.allocateNow(PAGE));
        assertEquals(4, hpa4j.cacheStats().cachedExtents());
        ShutdownReport report = get(hpa4j.stop());
        assertEquals(1, report.liveExtents(), "only the held extent is reclaimed as live, not the cached ones");
        assertEquals(held.size(), report.liveBytes());
        assertEquals(0, hpa4j.cacheStats().cachedExtents());
    }
}
