package io.github.hpa4j.actors;

import static io.github.hpa4j.testkit.Stages.failureOf;
import static io.github.hpa4j.testkit.Stages.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidFreeException;
import io.github.hpa4j.core.InvalidSizeException;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.ShardDisabledException;
import io.github.hpa4j.core.SizeKind;
import io.github.hpa4j.core.SmallClassStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The front through the public facade, on fake hooks: hits from the thread's cache or its shard's
 * transfer tier send no message, a caller waits only when both are empty and the tier is restocked
 * behind it, flushes go to the tier, extents in the front stay active in their shard and are
 * reported apart, double frees are caught while the first free is cached, and the front gives
 * memory back (the GC of unused classes, idle caches, thread death, trim, shutdown).
 */
class FrontCacheTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final Duration LONG = Duration.ofHours(1);
    private static final long PAGE = Pages.PAGE;

    /** One shard (unless said), dirty pages never purged, a cache of 8 per class; no sweep unless set. */
    private static Hpa4j start(int shards, Duration sweep, Duration idle) {
        Hpa4jSettings settings =
                TestAllocators.parse("hpa4j.dirty-mult = unlimited").withShards(shards);
        settings = settings.withCache(
                settings.cache().withEnabled(true).withMaxPerClass(8).withTimes(sweep, idle));
        return TestAllocators.start(testKit, settings, new FakePageHooks(), new ManualClock());
    }

    private static Hpa4j start() {
        return start(1, LONG, LONG);
    }

    /* Waits until no restock is on its way, so that only the test's own calls change the front. */
    private static void settle(Hpa4j hpa4j) {
        testKit.createTestProbe().awaitAssert(ShardClient.REPLY, () -> {
            assertTrue(hpa4j.front().settled(), "a restock is on its way");
            return null;
        });
    }

    /* Every extent a shard holds active is held by the test or sits in the front. */
    private static void assertActiveIsHeldPlusCached(Hpa4j hpa4j, ShardClient shard, long held) {
        assertEquals(
                held + hpa4j.cacheStats().cachedExtents(),
                shard.snapshot().stats().liveExtents());
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
    void shouldWaitOnlyWhenCacheAndTierAreEmptyAndServeTheRestWithoutAMessage() throws Exception {
        Hpa4j hpa4j = start();
        ShardClient shard = client(hpa4j, 0);

        Allocation first = get(hpa4j.allocate(PAGE));
        CacheStats afterMiss = hpa4j.cacheStats();
        assertEquals(1, afterMiss.misses());
        assertEquals(1, afterMiss.waits(), "one ask the caller waited on");
        settle(hpa4j);
        CacheStats stocked = hpa4j.cacheStats();
        assertEquals(1, stocked.restocks(), "the dry tier asked its shard for stock, nobody waiting");
        assertEquals(8, stocked.tierExtents(), "two fills of half a class (capacity 8)");
        assertActiveIsHeldPlusCached(hpa4j, shard, 1);

        List<Allocation> hits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            CompletableFuture<Allocation> stage = hpa4j.allocate(PAGE - 100).toCompletableFuture();
            assertTrue(stage.isDone(), "a hit is answered before the call returns: no ask");
            hits.add(stage.join());
        }
        CacheStats afterHits = hpa4j.cacheStats();
        assertEquals(8, afterHits.hits());
        assertEquals(2, afterHits.tierHits(), "two fills of four from the tier, six pops of the stack");
        assertEquals(1, afterHits.waits(), "no further wait");
        assertEquals(
                9,
                hits.stream().map(Allocation::address).distinct().count() + 1 - (hits.contains(first) ? 1 : 0),
                "nine distinct extents");
        settle(hpa4j);
        assertActiveIsHeldPlusCached(hpa4j, shard, 9);
        AllocatorStats stats = get(hpa4j.stats());
        assertEquals(9 * PAGE, stats.heldBytes());
        assertTrue(hpa4j.cacheStats().waitedShare() < 0.12, hpa4j.cacheStats().toString());
    }

    @Test
    void shouldServeSmallClassesFromTheFrontAsItServesPages() throws Exception {
        Hpa4j hpa4j = start();
        ShardClient shard = client(hpa4j, 0);
        Allocation first = get(hpa4j.allocate(100));
        assertEquals(SizeKind.SMALL, first.kind());
        assertEquals(112, first.size(), "100 B is served from the 112 B class");
        assertEquals(1, hpa4j.cacheStats().waits());
        settle(hpa4j);

        List<Allocation> hits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            CompletableFuture<Allocation> stage = hpa4j.allocate(97 + 2 * i).toCompletableFuture();
            assertTrue(stage.isDone(), "a small hit is answered before the call returns: no ask");
            hits.add(stage.join());
        }
        settle(hpa4j);
        CacheStats afterHits = hpa4j.cacheStats();
        assertEquals(8, afterHits.hits());
        assertEquals(1, afterHits.waits(), "no further wait");
        List<Allocation> held = new ArrayList<>(hits);
        held.add(first);
        assertEquals(9, held.stream().map(Allocation::address).distinct().count(), "nine distinct regions");
        assertEquals(
                9 + afterHits.cachedExtents(),
                liveRegionsOfClass(shard, 112),
                "every live region is held by the test or sits in the front");

        for (Allocation a : hits) {
            assertTrue(hpa4j.free(a).toCompletableFuture().isDone(), "a cached small free answers at once");
        }
        Allocation again = hpa4j.allocateNow(112);
        assertEquals(hits.get(7).address(), again.address(), "the last small free is the next hit");
        assertEquals(1, hpa4j.cacheStats().waits());
        settle(hpa4j);
        assertEquals(2 + hpa4j.cacheStats().cachedExtents(), liveRegionsOfClass(shard, 112));
    }

    private static long liveRegionsOfClass(ShardClient shard, int regionSize) {
        return shard.snapshot().smallClasses().stream()
                .filter(c -> c.regionSize() == regionSize)
                .mapToLong(SmallClassStats::curregs)
                .sum();
    }

    @Test
    void shouldFlushTheOlderHalfOfAFullClassIntoTheTier() throws Exception {
        Hpa4j hpa4j = start();
        ShardClient shard = client(hpa4j, 0);
        List<Allocation> nine = get(hpa4j.allocateBatch(2 * PAGE, 9));
        assertEquals(1, hpa4j.cacheStats().waits());
        settle(hpa4j);
        long stock = hpa4j.cacheStats().tierExtents();
        assertTrue(stock > 0, "the batch's miss restocked the tier");

        for (Allocation a : nine) {
            assertTrue(hpa4j.free(a).toCompletableFuture().isDone(), "a cached free answers at once");
        }
        CacheStats stats = hpa4j.cacheStats();
        assertEquals(1, stats.flushes(), "the class filled once: its older half went to the tier");
        assertEquals(stock + 4, stats.tierExtents());
        assertEquals(stock + 9, stats.cachedExtents(), "five in the stack, four more in the tier");
        assertEquals((stock + 9) * 2 * PAGE, stats.cachedBytes());
        assertActiveIsHeldPlusCached(hpa4j, shard, 0);
        get(hpa4j.trimCaches());
        assertEquals(0, shard.snapshot().stats().liveExtents());
        assertEquals(0, hpa4j.cacheStats().cachedExtents());
    }

    @Test
    void shouldBatchFreesOfAnotherShardsExtentsToItsTier() throws Exception {
        Hpa4j hpa4j = start(2, LONG, LONG);
        ShardClient one = client(hpa4j, 1);
        // remote-batch is 32 by default: 40 frees make one batch and leave 8 waiting.
        List<Allocation> ofOne = onThreadOf(hpa4j, 1, () -> get(hpa4j.allocateBatch(PAGE, 40)));
        settle(hpa4j);
        onThreadOf(hpa4j, 0, () -> get(hpa4j.freeBatch(ofOne)));
        settle(hpa4j);
        CacheStats stats = hpa4j.cacheStats();
        assertEquals(1, stats.remoteBatches(), "32 frees went to shard 1's tier in one batch");
        assertEquals(0, client(hpa4j, 0).snapshot().stats().liveExtents(), "nothing reached shard 0");
        one.awaitSnapshot(s -> assertEquals(
                hpa4j.cacheStats().cachedExtents(),
                s.stats().liveExtents(),
                "shard 1 holds only what the front holds: the 8 waiting, its tier, no overflow lost"));

        get(hpa4j.trimCaches());
        assertEquals(0, one.snapshot().stats().liveExtents());
        assertEquals(0, hpa4j.cacheStats().cachedExtents());
    }

    @Test
    void shouldCatchADoubleFreeWhileTheFirstFreeSitsInTheCacheAndChangeNothing() throws Exception {
        Hpa4j hpa4j = start();
        ShardClient shard = client(hpa4j, 0);
        Allocation once = hpa4j.allocateNow(PAGE);
        Allocation kept = hpa4j.allocateNow(PAGE);
        hpa4j.freeNow(once);
        settle(hpa4j);
        ShardActor.ShardSnapshot before = shard.snapshot();
        CacheStats cacheBefore = hpa4j.cacheStats();

        InvalidFreeException sync = assertThrows(InvalidFreeException.class, () -> hpa4j.freeNow(once));
        assertEquals(FreeRefusal.NOT_ALLOCATED, sync.reason());
        assertEquals(
                FreeRefusal.NOT_ALLOCATED,
                assertInstanceOf(InvalidFreeException.class, failureOf(hpa4j.free(once)))
                        .reason());
        assertEquals(
                FreeRefusal.NOT_ALLOCATED,
                assertInstanceOf(InvalidFreeException.class, failureOf(hpa4j.freeBatch(List.of(kept, once))))
                        .reason(),
                "a batch with it is refused whole");

        assertEquals(before, shard.snapshot());
        assertEquals(cacheBefore, hpa4j.cacheStats());

        List<Allocation> byProtocol = shard.allocate(PAGE, 1);
        ShardActor.ShardSnapshot withProtocol = shard.snapshot();
        assertEquals(
                FreeRefusal.NOT_ALLOCATED,
                assertInstanceOf(
                                InvalidFreeException.class,
                                failureOf(hpa4j.freeBatch(List.of(byProtocol.get(0), once))))
                        .reason(),
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
        settle(hpa4j);
        ShardActor.ShardSnapshot before = shard.snapshot();
        CacheStats cacheBefore = hpa4j.cacheStats();

        assertEquals(
                FreeRefusal.NOT_ALLOCATED,
                assertThrows(InvalidFreeException.class, () -> hpa4j.freeNow(stale))
                        .reason(),
                "the stale handle, though its address is live again");
        assertEquals(Allocation.State.LIVE, live.state());
        assertEquals(
                FreeRefusal.FOREIGN_ALLOCATION,
                assertThrows(InvalidFreeException.class, () -> hpa4j.freeNow(foreign))
                        .reason());
        assertEquals(
                FreeRefusal.NULL_EXTENT,
                assertThrows(InvalidFreeException.class, () -> hpa4j.freeNow(null))
                        .reason());
        assertEquals(
                FreeRefusal.DUPLICATE_IN_BATCH,
                assertInstanceOf(InvalidFreeException.class, failureOf(hpa4j.freeBatch(List.of(live, live))))
                        .reason());
        assertEquals(
                FreeRefusal.NULL_EXTENT,
                assertInstanceOf(InvalidFreeException.class, failureOf(hpa4j.freeBatch(Arrays.asList(live, null))))
                        .reason());

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
        assertEquals(
                FreeRefusal.NOT_ALLOCATED,
                assertThrows(InvalidFreeException.class, () -> hpa4j.freeNow(byProtocol.get(0)))
                        .reason());
        assertEquals(
                FreeRefusal.NOT_ALLOCATED,
                assertInstanceOf(InvalidFreeException.class, shard.freeFails(List.of(byProtocol.get(1))))
                        .reason(),
                "nor can the protocol free it again");
        get(hpa4j.trimCaches());
        assertEquals(0, shard.snapshot().stats().liveExtents());
        assertEquals(Allocation.State.FREED, byProtocol.get(1).state());
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
        assertEquals(
                FreeRefusal.NOT_ALLOCATED,
                assertThrows(InvalidFreeException.class, () -> hpa4j.freeNow(a)).reason());
        assertSame(CacheStats.NONE, hpa4j.cacheStats());
        assertSame(CacheStats.NONE, get(hpa4j.stats()).cache());
    }

    @Test
    void shouldServeAllocateNowAndFreeNowAndThrowTheTypedErrorsUnwrapped() throws Exception {
        Hpa4j hpa4j = start();
        long max = hpa4j.settings().large().maxAllocBytes();
        Allocation a = hpa4j.allocateNow(10_000);
        assertEquals(3 * PAGE, a.size());
        settle(hpa4j);
        Allocation b = hpa4j.allocateNow(3 * PAGE);
        assertEquals(1, hpa4j.cacheStats().hits(), "from the restocked tier");
        hpa4j.freeNow(a);
        hpa4j.freeNow(b);
        assertEquals(
                0,
                assertThrows(InvalidSizeException.class, () -> hpa4j.allocateNow(0))
                        .requested());
        assertEquals(
                max + 1,
                assertThrows(InvalidSizeException.class, () -> hpa4j.allocateNow(max + 1))
                        .requested());
        assertInstanceOf(InvalidSizeException.class, failureOf(hpa4j.allocate(-1)));

        get(hpa4j.stop());
        assertThrows(ShardDisabledException.class, () -> hpa4j.allocateNow(PAGE));
        assertThrows(ShardDisabledException.class, () -> hpa4j.freeNow(a));
    }

    @Test
    void shouldGiveBackWhatNoAllocationNeededWhileTheThreadKeepsCalling() throws Exception {
        Hpa4j hpa4j = start(1, Duration.ofMillis(20), LONG);
        ShardClient shard = client(hpa4j, 0);
        get(hpa4j.freeBatch(get(hpa4j.allocateBatch(PAGE, 8))));
        settle(hpa4j);
        assertTrue(hpa4j.cacheStats().cachedExtents() >= 8);
        // The test thread keeps using another class; the one-page class is never hit again.
        testKit.createTestProbe().awaitAssert(ShardClient.REPLY, () -> {
            hpa4j.freeNow(hpa4j.allocateNow(2 * PAGE));
            assertTrue(
                    shard.snapshot().stats().liveExtents() <= 2,
                    "the unused class left the cache and the tier: " + hpa4j.cacheStats());
            return null;
        });
        assertTrue(hpa4j.cacheStats().flushes() >= 1, "the cache's GC flushed it");
    }

    @Test
    void shouldEmptyACacheIdleLongerThanTheIdleTimeout() throws Exception {
        Hpa4j hpa4j = start(1, Duration.ofMillis(20), Duration.ofMillis(100));
        ShardClient shard = client(hpa4j, 0);
        hpa4j.freeNow(hpa4j.allocateNow(PAGE));
        assertTrue(hpa4j.cacheStats().cachedExtents() >= 1);
        shard.awaitSnapshot(s -> assertEquals(0, s.stats().liveExtents()));
        assertEquals(0, hpa4j.cacheStats().cachedExtents());
        assertEquals(1, hpa4j.cacheStats().caches(), "an idle cache is emptied, not dropped");
    }

    @Test
    void shouldEmptyAndDropTheCacheOfAThreadThatEnded() throws Exception {
        Hpa4j hpa4j = start(1, Duration.ofMillis(20), LONG);
        ShardClient shard = client(hpa4j, 0);
        CacheStats cached = onThreadOf(hpa4j, 0, () -> {
            hpa4j.freeNow(hpa4j.allocateNow(PAGE));
            return hpa4j.cacheStats();
        });
        assertEquals(1, cached.caches());
        assertTrue(cached.cachedExtents() >= 1);
        shard.awaitSnapshot(s -> assertEquals(0, s.stats().liveExtents()));
        CacheStats after = hpa4j.cacheStats();
        assertEquals(0, after.caches(), "dropped");
        assertEquals(1, after.misses(), "its counters are kept");
    }

    @Test
    void shouldEmptyEveryCacheAndTierOnTrimCaches() throws Exception {
        Hpa4j hpa4j = start();
        ShardClient shard = client(hpa4j, 0);
        Allocation held = hpa4j.allocateNow(PAGE);
        List<Allocation> freed = get(hpa4j.allocateBatch(4 * PAGE, 3));
        get(hpa4j.freeBatch(freed));
        settle(hpa4j);
        assertTrue(shard.snapshot().stats().liveExtents() > 4);
        get(hpa4j.trimCaches());
        assertEquals(1, shard.snapshot().stats().liveExtents(), "only what the test holds is active");
        AllocatorStats stats = get(hpa4j.stats());
        assertEquals(0, stats.cache().cachedBytes());
        assertEquals(PAGE, stats.activeBytes());
        hpa4j.freeNow(held);
    }

    @Test
    void shouldGiveBackWhatACallFoundAndReclaimItsLateAnswerWhenTheAskTimesOut() throws Exception {
        FakePageHooks hooks = new FakePageHooks();
        // One hugepage of eden per map: a shard that grows must wait for a MAP, held at the gate.
        Hpa4jSettings settings = TestAllocators.parse("hpa4j.dirty-mult = unlimited\nhpa4j.eden-hugepages = 1")
                .withAskTimeout(Duration.ofMillis(300));
        settings = settings.withCache(settings.cache().withMaxPerClass(8).withTimes(LONG, LONG));
        Hpa4j hpa4j = TestAllocators.start(testKit, settings, hooks, new ManualClock());
        ShardClient shard = client(hpa4j, 0);
        Gate maps = hooks.gate(FakePageHooks.Op.MAP);
        try {
            hpa4j.freeNow(hpa4j.allocateNow(PAGE));
            settle(hpa4j);
            long cached = hpa4j.cacheStats().cachedExtents();
            assertTrue(cached > 1, "the freed one and the tier's stock");

            long missesBefore = hpa4j.cacheStats().misses();
            maps.close();
            // What the front holds, and one ask for the rest: more than the slab holds, so the shard grows.
            CompletableFuture<List<Allocation>> call =
                    hpa4j.allocateBatch(PAGE, 600).toCompletableFuture();
            assertTrue(maps.awaitHeld(1, ShardClient.REPLY), "the ask waits for eden");
            ExecutionException failure = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
            assertInstanceOf(java.util.concurrent.TimeoutException.class, failure.getCause());
            assertTrue(
                    hpa4j.cacheStats().cachedExtents() >= cached,
                    "what the call found went back to the tier (a restock may have come since)");

            long asked = hpa4j.cacheStats().misses() - missesBefore;
            assertTrue(asked > 0 && asked < 600, "the call found " + (600 - asked) + " in the front");
            maps.open();
            testKit.createTestProbe().awaitAssert(ShardClient.REPLY, () -> {
                AllocatorStats stats = get(hpa4j.stats());
                assertEquals(asked, stats.reclaimed(), "the late answer was reclaimed whole");
                return stats;
            });
            settle(hpa4j);
            get(hpa4j.trimCaches());
            assertEquals(0, shard.snapshot().stats().liveExtents());
        } finally {
            maps.open();
        }
    }

    @Test
    void shouldEmptyTheFrontBeforeTheShardsStop() throws Exception {
        Hpa4j hpa4j = start();
        Allocation held = hpa4j.allocateNow(PAGE);
        hpa4j.freeNow(hpa4j.allocateNow(PAGE));
        settle(hpa4j);
        assertTrue(hpa4j.cacheStats().cachedExtents() > 1);
        ShutdownReport report = get(hpa4j.stop());
        assertEquals(1, report.liveExtents(), "only the held extent is reclaimed as live, not the cached ones");
        assertEquals(held.size(), report.liveBytes());
        assertEquals(0, hpa4j.cacheStats().cachedExtents());
    }
}
