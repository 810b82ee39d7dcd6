package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.AskPattern;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocationOptions;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.actors.ShardActor;
import io.github.hpa4j.actors.ShutdownReport;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.bridge.SystemClock;
import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidAlignmentException;
import io.github.hpa4j.core.InvalidCountException;
import io.github.hpa4j.core.InvalidFreeException;
import io.github.hpa4j.core.InvalidSizeException;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.Shard;
import io.github.hpa4j.core.ShardDisabledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The catalogue of bad input: each case is answered with its own typed error, and changes nothing.
 * Shard 0 gets only the bad input (and the few allocations the cases refer to), so its whole
 * snapshot can be compared before and after each case; meanwhile four clients keep real traffic
 * going on shards 1 and 2, through the facade and the protocol.
 */
class BadInputCatalogueTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final int QUIET = 0;

    private Hpa4j hpa4j;
    private ExecutorService quietShardThread;
    private final Set<String> cases = new LinkedHashSet<>();

    @Test
    void everyKindOfBadInputGetsItsTypedErrorAndLeavesTheShardUnchangedWhileTrafficGoesOn() throws Exception {
        Hpa4jSettings settings = It.settings(It.FAST_DEFERRED_WORK, "hpa4j.shards = 3", "hpa4j.ask-timeout = 60s");
        hpa4j = It.startOnRealMemory(testKit, settings);
        long maxSize = settings.shardOptions().slabMaxAlloc();
        quietShardThread = Executors.newSingleThreadExecutor(It.threadsForShard(hpa4j, QUIET, "quiet-shard-client"));
        PatternLedger ledger = new PatternLedger();
        try {
            // Background traffic on shards 1 and 2, open-ended until the catalogue is through.
            Fleet traffic = new Fleet(testKit, hpa4j, ledger);
            Workload open = new Workload(Long.MAX_VALUE, 64, 0.2, (int) (maxSize / Pages.PAGE), 64, 256, 16, 0);
            for (int shard = 1; shard <= 2; shard++) {
                traffic.facade("facade-" + shard, shard, open, 0xBAD0L + shard, ClientObserver.STRICT);
                traffic.protocol("protocol-" + shard, shard, open, 0xBAD1L + shard, 4, ClientObserver.STRICT);
            }

            // What the cases refer to: on shard 0 eight 3-page and eight 1-page extents, one freed again;
            // on shard 1 one extent.
            List<PatternLedger.Tracked> quietLive = new ArrayList<>();
            for (Allocation a : It.get(onQuietShard(() -> hpa4j.allocateBatch(3 * Pages.PAGE - 100, 8)))) {
                quietLive.add(ledger.claim(a));
            }
            for (Allocation a : It.get(onQuietShard(() -> hpa4j.allocateBatch(Pages.PAGE, 8)))) {
                quietLive.add(ledger.claim(a));
            }
            PatternLedger.Tracked freedOnce = quietLive.remove(quietLive.size() - 1);
            Fleet.freeAll(hpa4j, ledger, List.of(freedOnce));
            Allocation threePages = quietLive.get(0).allocation();
            Allocation onePage = quietLive.get(quietLive.size() - 1).allocation();
            Allocation otherShards = onShard(1, () -> hpa4j.allocate(2 * Pages.PAGE));
            PatternLedger.Tracked otherShardsTracked = ledger.claim(otherShards);
            // A stale handle: freed into the quiet thread's cache, whose next hit hands the extent out again.
            Allocation stale = It.get(onQuietShard(() -> hpa4j.allocate(5 * Pages.PAGE)));
            It.get(onQuietShard(() -> hpa4j.free(stale)));
            Allocation reissued = It.get(onQuietShard(() -> hpa4j.allocate(5 * Pages.PAGE)));
            assertEquals(stale.address(), reissued.address(), "the same extent under a new handle");
            quietLive.add(ledger.claim(reissued));
            awaitQuietShardSettled();

            // Sizes and counts.
            InvalidSizeException size = expect(
                    "allocate 0 bytes", () -> onQuietShard(() -> hpa4j.allocate(0)), InvalidSizeException.class, null);
            assertEquals(0, size.requested());
            expect(
                    "allocate a negative size",
                    () -> onQuietShard(() -> hpa4j.allocate(-Pages.PAGE)),
                    InvalidSizeException.class,
                    null);
            expect(
                    "allocate Long.MIN_VALUE bytes",
                    () -> onQuietShard(() -> hpa4j.allocate(Long.MIN_VALUE)),
                    InvalidSizeException.class,
                    null);
            long largest = settings.large().maxAllocBytes();
            InvalidSizeException tooLarge = expect(
                    "allocate one byte above the largest servable size",
                    () -> onQuietShard(() -> hpa4j.allocate(largest + 1)),
                    InvalidSizeException.class,
                    null);
            assertEquals(largest, tooLarge.max());
            expect(
                    "allocate at an alignment that is not a power of two",
                    () -> onQuietShard(() -> hpa4j.allocate(64, AllocationOptions.aligned(48))),
                    InvalidAlignmentException.class,
                    null);
            expect(
                    "allocate at an alignment above a hugepage",
                    () -> onQuietShard(() -> hpa4j.allocate(64, AllocationOptions.aligned(2 * Pages.HUGEPAGE))),
                    InvalidAlignmentException.class,
                    null);
            expect(
                    "allocate Long.MAX_VALUE bytes",
                    () -> onQuietShard(() -> hpa4j.allocate(Long.MAX_VALUE)),
                    InvalidSizeException.class,
                    null);
            expect(
                    "a batch of count 0",
                    () -> onQuietShard(() -> hpa4j.allocateBatch(Pages.PAGE, 0)),
                    InvalidCountException.class,
                    null);
            expect(
                    "a batch of negative count",
                    () -> onQuietShard(() -> hpa4j.allocateBatch(Pages.PAGE, -1)),
                    InvalidCountException.class,
                    null);
            InvalidCountException tooMany = expect(
                    "a batch above the largest count",
                    () -> onQuietShard(() -> hpa4j.allocateBatch(Pages.PAGE, Shard.MAX_BATCH + 1)),
                    InvalidCountException.class,
                    null);
            assertEquals(Shard.MAX_BATCH + 1, tooMany.count());
            expect(
                    "Allocate of 0 bytes over the protocol",
                    () -> allocateVia(hpa4j.shard(QUIET), 0, 1),
                    InvalidSizeException.class,
                    null);

            // Frees the shard has no live extent for.
            expect("free of null", () -> hpa4j.free(null), InvalidFreeException.class, FreeRefusal.NULL_EXTENT);
            expect("free of an empty batch", () -> hpa4j.freeBatch(List.of()), InvalidCountException.class, null);
            InvalidFreeException doubleFree = expect(
                    "free twice",
                    () -> hpa4j.free(freedOnce.allocation()),
                    InvalidFreeException.class,
                    FreeRefusal.NOT_ALLOCATED);
            assertEquals(freedOnce.allocation().address(), doubleFree.address(), "the error names the address");
            expect(
                    "the same extent twice in one batch",
                    () -> hpa4j.freeBatch(List.of(onePage, onePage)),
                    InvalidFreeException.class,
                    FreeRefusal.DUPLICATE_IN_BATCH);
            expect(
                    "a batch of good extents and one freed already (all or nothing)",
                    () -> hpa4j.freeBatch(List.of(threePages, onePage, freedOnce.allocation())),
                    InvalidFreeException.class,
                    FreeRefusal.NOT_ALLOCATED);
            expect(
                    "Free to the wrong shard over the protocol",
                    () -> freeVia(hpa4j.shard(QUIET), List.of(otherShards)),
                    InvalidFreeException.class,
                    FreeRefusal.WRONG_SHARD);
            expect(
                    "free of a stale handle whose address was handed out again",
                    () -> hpa4j.free(stale),
                    InvalidFreeException.class,
                    FreeRefusal.NOT_ALLOCATED);
            expect(
                    "Free over the protocol of a handle freed through the facade",
                    () -> freeVia(hpa4j.shard(QUIET), List.of(freedOnce.allocation())),
                    InvalidFreeException.class,
                    FreeRefusal.NOT_ALLOCATED);
            expect(
                    "a batch across shards with one null entry (all or nothing)",
                    () -> hpa4j.freeBatch(java.util.Arrays.asList(otherShards, onePage, null)),
                    InvalidFreeException.class,
                    FreeRefusal.NULL_EXTENT);
            Hpa4j other = startSecondAllocator(settings);
            Allocation foreign = It.get(other.allocate(Pages.PAGE));
            expect(
                    "free of another allocator's handle",
                    () -> hpa4j.free(foreign),
                    InvalidFreeException.class,
                    FreeRefusal.FOREIGN_ALLOCATION);
            expect(
                    "a batch with another allocator's handle",
                    () -> hpa4j.freeBatch(List.of(onePage, foreign)),
                    InvalidFreeException.class,
                    FreeRefusal.FOREIGN_ALLOCATION);
            It.get(other.free(foreign));
            It.get(other.stop());

            // After shutdown: another allocator, stopped with one extent still live.
            Hpa4j stopped = startSecondAllocator(settings);
            Allocation orphan = It.get(stopped.allocate(Pages.PAGE));
            ShutdownReport report = It.get(stopped.stop());
            assertEquals(1, report.liveExtents(), "the stop reclaimed the live extent: " + report);
            expect("allocate after shutdown", () -> stopped.allocate(Pages.PAGE), ShardDisabledException.class, null);
            expect("free after shutdown", () -> stopped.free(orphan), ShardDisabledException.class, null);
            expect(
                    "free of a stopped allocator's handle to a running one",
                    () -> hpa4j.free(orphan),
                    InvalidFreeException.class,
                    FreeRefusal.ALLOCATOR_STOPPED);
            expect(
                    "Allocate over the protocol to a stopped shard",
                    () -> allocateVia(stopped.shard(0), Pages.PAGE, 1),
                    ShardDisabledException.class,
                    null);
            expect(
                    "Free over the protocol to a stopped shard",
                    () -> freeVia(stopped.shard(0), List.of(orphan)),
                    ShardDisabledException.class,
                    null);

            System.out.println("bad input: " + cases.size() + " cases answered with typed errors:\n  "
                    + String.join("\n  ", cases));
            assertTrue(cases.size() >= 12, "at least 12 distinct cases, got " + cases.size());

            // Nothing the cases touched was harmed: the real extents free normally, contents intact.
            Fleet.freeAll(hpa4j, ledger, quietLive);
            Fleet.freeAll(hpa4j, ledger, List.of(otherShardsTracked));
            traffic.stop();
            List<ClientResult> results = traffic.await(Duration.ofSeconds(60));
            assertTrue(Fleet.operations(results) > 0, "traffic went on during the catalogue");
            List<PatternLedger.Tracked> live = Fleet.live(results);
            Invariants.assertAfterQuiescence(hpa4j, ledger, live, Duration.ofSeconds(30));
            Fleet.freeAll(hpa4j, ledger, live);
            Invariants.assertAfterQuiescence(hpa4j, ledger, List.of(), Duration.ofSeconds(30));
            assertEquals(0, It.get(hpa4j.stop()).liveExtents());
        } finally {
            quietShardThread.shutdownNow();
            hpa4j.stop();
        }
    }

    /**
     * Runs one case: the call must fail with {@code type} (and {@code reason}, for a refused free), and
     * shard 0's whole snapshot (bins, counters, live extents, stash) must be the same afterwards.
     */
    /* A one-shard allocator beside the one under test, in the same system and on the same kind of hooks. */
    private static Hpa4j startSecondAllocator(Hpa4jSettings settings) {
        return Hpa4j.start(
                testKit.system(),
                It.settings("hpa4j.shards = 1"),
                PageHooksFactory.create(settings.hugifyStyle()),
                SystemClock.INSTANCE);
    }

    private <E extends Throwable> E expect(
            String name, Supplier<CompletionStage<?>> call, Class<E> type, FreeRefusal reason) {
        assertTrue(cases.add(name), "duplicate case " + name);
        ShardActor.ShardSnapshot before = quietShard();
        E error = It.failureOf(call.get(), type);
        if (reason != null) {
            assertEquals(reason, ((InvalidFreeException) error).reason(), name + ": " + error.getMessage());
        }
        assertEquals(before, quietShard(), name + " changed shard " + QUIET);
        return error;
    }

    private <T> CompletionStage<T> onQuietShard(Supplier<CompletionStage<T>> call) {
        try {
            return quietShardThread.submit(call::get).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    private Allocation onShard(int shard, Supplier<CompletionStage<Allocation>> call) {
        Allocation allocation = It.get(It.onShard(hpa4j, shard, call));
        assertEquals(shard, allocation.shard());
        return allocation;
    }

    private ShardActor.ShardSnapshot quietShard() {
        return It.get(AskPattern.ask(
                hpa4j.shard(QUIET),
                ShardActor.GetStats::new,
                Duration.ofSeconds(10),
                testKit.system().scheduler()));
    }

    /* No job in flight on shard 0, and its snapshot steady for a while: nothing is due there. */
    private void awaitQuietShardSettled() {
        AtomicReference<ShardActor.ShardSnapshot> previous = new AtomicReference<>();
        await("shard 0 settled")
                .atMost(Duration.ofSeconds(10))
                .during(Duration.ofMillis(300))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    ShardActor.ShardSnapshot now = quietShard();
                    ShardActor.ShardSnapshot before = previous.getAndSet(now);
                    return now.stats().jobsInFlight() == 0 && now.equals(before);
                });
    }

    /* The protocol: a typed AllocateFailed reply becomes a failed stage. */
    private static CompletionStage<List<Allocation>> allocateVia(
            ActorRef<ShardActor.Command> shard, long bytes, int count) {
        return AskPattern.<ShardActor.Command, ShardActor.AllocateReply>ask(
                        shard,
                        replyTo -> new ShardActor.Allocate(bytes, count, replyTo),
                        It.CALL_TIMEOUT,
                        testKit.system().scheduler())
                .thenCompose(reply -> switch (reply) {
                    case ShardActor.Allocated allocated -> CompletableFuture.completedFuture(allocated.allocations());
                    case ShardActor.AllocateFailed failed -> CompletableFuture.failedFuture(failed.error());
                });
    }

    private static CompletionStage<Integer> freeVia(ActorRef<ShardActor.Command> shard, List<Allocation> allocations) {
        return AskPattern.<ShardActor.Command, ShardActor.FreeReply>ask(
                        shard,
                        replyTo -> new ShardActor.Free(allocations, replyTo),
                        It.CALL_TIMEOUT,
                        testKit.system().scheduler())
                .thenCompose(reply -> switch (reply) {
                    case ShardActor.Freed freed -> CompletableFuture.completedFuture(freed.count());
                    case ShardActor.FreeFailed failed -> CompletableFuture.failedFuture(failed.error());
                });
    }
}
