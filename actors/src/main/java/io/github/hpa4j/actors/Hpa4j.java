package io.github.hpa4j.actors;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Routers;
import io.github.hpa4j.bridge.CountedPageHooks;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.bridge.SmapsReader;
import io.github.hpa4j.bridge.SmapsReading;
import io.github.hpa4j.bridge.SystemClock;
import io.github.hpa4j.bridge.ThpSupport;
import io.github.hpa4j.core.AllocatorException;
import io.github.hpa4j.core.Clock;
import io.github.hpa4j.core.Eden;
import io.github.hpa4j.core.PageHooks;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.ShardDisabledException;
import io.github.hpa4j.core.ShardStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * hpa4j in an actor system: the eden actor, the shard actors, the page workers, and a Java facade
 * over the ask pattern. Obtain it with {@link #get(ActorSystem)} (an Akka extension configured from
 * {@code hpa4j.*}), or {@link #start} with explicit settings and hooks.
 *
 * <p>Thread-safe: every method may be called from any thread. A plain thread always talks to the
 * same shard (stable affinity by thread id); a free always goes to the allocation's own shard.
 * The returned stages complete on an Akka dispatcher thread (often a shard's): chain heavy work
 * with the {@code *Async} variants, not on that thread.
 * Actors may instead use the message protocol of {@link ShardActor} on {@link #shardFor}.
 */
public final class Hpa4j implements Extension {
    private static final Logger LOG = LoggerFactory.getLogger(Hpa4j.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** The extension id: {@code Hpa4j.get(system)}. */
    public static final class Id extends ExtensionId<Hpa4j> {
        private static final Id INSTANCE = new Id();

        private Id() {
        }

        @Override
        public Hpa4j createExtension(ActorSystem<?> system) {
            Hpa4jSettings settings = Hpa4jSettings.fromConfig(system.settings().config());
            CountedPageHooks hooks = PageHooksFactory.create(settings.hugifyStyle());
            return start(system, settings, hooks, SystemClock.INSTANCE);
        }
    }

    /** The allocator of {@code system}, started on first use from its {@code hpa4j} configuration. */
    public static Hpa4j get(ActorSystem<?> system) {
        return Id.INSTANCE.apply(system);
    }

    /**
     * Starts an allocator with explicit settings, hooks and clock (tests, or more than one allocator
     * in a system). It stops with the actor system.
     */
    public static Hpa4j start(ActorSystem<?> system, Hpa4jSettings settings, PageHooks hooks, Clock clock) {
        return new Hpa4j(system, settings, hooks, clock);
    }

    private final ActorSystem<?> system;
    private final Hpa4jSettings settings;
    private final MappedRegions hooks;
    private final ActorRef<EdenActor.Command> eden;
    private final List<ActorRef<ShardActor.Command>> shards;
    private final AtomicLong reclaimed = new AtomicLong();
    private final SmapsReader smaps = ThpSupport.isAvailable() ? new SmapsReader() : null;
    private final AtomicReference<CompletableFuture<ShutdownReport>> stopping = new AtomicReference<>();
    private final Executor blockingExecutor;

    private Hpa4j(ActorSystem<?> system, Hpa4jSettings settings, PageHooks pageHooks, Clock clock) {
        this.system = system;
        this.settings = settings;
        this.hooks = new MappedRegions(pageHooks);
        String prefix = "hpa4j-" + INSTANCES.incrementAndGet();
        DispatcherSelector blocking = DispatcherSelector.fromConfig(Hpa4jSettings.DISPATCHER);
        this.blockingExecutor = system.dispatchers().lookup(blocking);

        this.eden = system.systemActorOf(EdenActor.create(new Eden(hooks, settings.edenHugepages())),
                prefix + "-eden", blocking);
        ActorRef<PageWorker.Command> workers = system.systemActorOf(
                Routers.pool(settings.pageWorkers(), PageWorker.create(hooks)).withRouteeProps(blocking),
                prefix + "-page-workers", Props.empty());
        List<ActorRef<ShardActor.Command>> refs = new ArrayList<>(settings.shards());
        for (int i = 0; i < settings.shards(); i++) {
            refs.add(system.systemActorOf(ShardActor.create(i, settings, hooks, clock, eden, workers),
                    prefix + "-shard-" + i, Props.empty()));
        }
        this.shards = List.copyOf(refs);
        system.systemActorOf(DeadLetterReclaimer.create(shards, hooks, reclaimed), prefix + "-reclaimer", Props.empty());

        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), prefix + "-stop",
                () -> stop().thenApply(report -> Done.getInstance()));
        LOG.info("hpa4j started: {} shards, {} page workers, hugify style {}, slab max alloc {} bytes",
                settings.shards(), settings.pageWorkers(), settings.hugifyStyle(),
                settings.shardOptions().slabMaxAlloc());
    }

    public Hpa4jSettings settings() {
        return settings;
    }

    public int shardCount() {
        return shards.size();
    }

    public ActorRef<ShardActor.Command> shard(int index) {
        return shards.get(index);
    }

    /** The shard a client should use: the same one every time for the same client. */
    public ActorRef<ShardActor.Command> shardFor(Object client) {
        return shards.get(Math.floorMod(client.hashCode(), shards.size()));
    }

    private ActorRef<ShardActor.Command> shardForCurrentThread() {
        return shards.get((int) Math.floorMod(Thread.currentThread().threadId(), (long) shards.size()));
    }

    // ------------------------------------------------------------------ allocation

    /** One allocation of at least {@code bytes}. */
    public CompletionStage<Allocation> allocate(long bytes) {
        return allocateBatch(bytes, 1).thenApply(list -> list.get(0));
    }

    /**
     * {@code count} allocations of {@code bytes} each, from one shard, in one message. Fails with
     * an {@link AllocatorException} (bad size or count, out of memory, overload, shut down) or, when
     * no reply came within {@code hpa4j.ask-timeout}, a {@link java.util.concurrent.TimeoutException};
     * a late reply is then freed again.
     */
    public CompletionStage<List<Allocation>> allocateBatch(long bytes, int count) {
        if (stopping.get() != null) {
            return CompletableFuture.failedFuture(ShardDisabledException.allocatorStopped());
        }
        return ask(shardForCurrentThread(), (ActorRef<ShardActor.AllocateReply> replyTo) ->
                new ShardActor.Allocate(bytes, count, replyTo))
                .thenCompose(reply -> switch (reply) {
                    case ShardActor.Allocated allocated -> CompletableFuture.completedFuture(allocated.allocations());
                    case ShardActor.AllocateFailed failed -> CompletableFuture.failedFuture(failed.error());
                });
    }

    // ------------------------------------------------------------------ free

    public CompletionStage<Void> free(Allocation allocation) {
        return freeBatch(java.util.Collections.singletonList(allocation));
    }

    /**
     * Frees allocations, each to its own shard, one message per shard. Each shard's part is all or
     * nothing; if a part fails the stage fails with the first error while other shards' parts may
     * have been freed.
     */
    public CompletionStage<Void> freeBatch(List<Allocation> allocations) {
        if (stopping.get() != null) {
            return CompletableFuture.failedFuture(ShardDisabledException.allocatorStopped());
        }
        Map<Integer, List<Allocation>> byShard = new HashMap<>();
        for (Allocation allocation : allocations) {
            // A null or forged handle still goes to a shard, which refuses it with the reason.
            int shard = allocation == null || allocation.shard() < 0 || allocation.shard() >= shards.size()
                    ? 0 : allocation.shard();
            byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(allocation);
        }
        if (byShard.isEmpty()) {
            byShard.put(0, List.of());
        }
        List<CompletableFuture<Void>> parts = new ArrayList<>(byShard.size());
        byShard.forEach((shard, part) -> parts.add(ask(shards.get(shard),
                (ActorRef<ShardActor.FreeReply> replyTo) -> new ShardActor.Free(part, replyTo))
                .thenCompose(reply -> switch (reply) {
                    case ShardActor.Freed freed -> CompletableFuture.<Void>completedFuture(null);
                    case ShardActor.FreeFailed failed -> CompletableFuture.<Void>failedFuture(failed.error());
                }).toCompletableFuture()));
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    // ------------------------------------------------------------------ operations

    /** Runs the deferred work due in every shard now; completes with the jobs begun. */
    public CompletionStage<Integer> runDeferredWork() {
        return forEachShard(ShardActor.RunDeferredWork::new, ShardActor.DeferredWorkStarted::jobsBegun)
                .thenApply(counts -> counts.stream().mapToInt(Integer::intValue).sum());
    }

    public CompletionStage<Void> setDeferralAllowed(boolean allowed) {
        return forEachShard((ActorRef<ShardActor.DeferralSet> replyTo) -> new ShardActor.SetDeferralAllowed(allowed, replyTo),
                set -> set).thenApply(all -> null);
    }

    /**
     * A snapshot of every shard and the allocator's smaps figures. It does not ask eden, so it
     * answers even while eden waits in a slow mmap.
     */
    public CompletionStage<AllocatorStats> stats() {
        // Reading smaps takes milliseconds: do it on the blocking dispatcher, not the thread that
        // completed the last ask (a shard's).
        return forEachShard(ShardActor.GetStats::new, s -> s).thenApplyAsync(snapshots -> {
            ShardStats total = ShardStats.empty();
            for (ShardActor.ShardSnapshot snapshot : snapshots) {
                total = total.plus(snapshot.stats());
            }
            long mapped = hooks.mappedBytes();
            SmapsReading reading = smaps == null ? SmapsReading.EMPTY : smaps.read(hooks.regions());
            return new AllocatorStats(snapshots, total, mapped, mapped - total.npageslabs() * Pages.HUGEPAGE, reading,
                    hooks.delegate() instanceof CountedPageHooks counted ? counted.stats() : null, reclaimed.get());
        }, blockingExecutor);
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Stops the allocator (also run by CoordinatedShutdown): every shard refuses new allocations,
     * waits for its jobs in flight and unmaps its slabs; then eden unmaps what is left. Completes
     * with what had to be reclaimed. Idempotent.
     */
    public CompletionStage<ShutdownReport> stop() {
        CompletableFuture<ShutdownReport> mine = new CompletableFuture<>();
        if (!stopping.compareAndSet(null, mine)) {
            return stopping.get();
        }
        Duration timeout = settings.askTimeout().plusSeconds(30);
        forEachShard(ShardActor.Stop::new, s -> s, timeout)
                .thenCompose(stopped -> AskPattern.<EdenActor.Command, EdenActor.Released>ask(eden,
                        EdenActor.Release::new, timeout, system.scheduler())
                        .thenApply(released -> ShutdownReport.of(stopped, released.remainingBytesUnmapped())))
                .whenComplete((report, error) -> {
                    if (error != null) {
                        LOG.error("hpa4j did not stop cleanly", error);
                        mine.completeExceptionally(error);
                    } else {
                        LOG.info("hpa4j stopped: reclaimed {} live extents ({} bytes), unmapped {} slabs and {} bytes of eden",
                                report.liveExtents(), report.liveBytes(), report.slabs(), report.edenBytes());
                        mine.complete(report);
                    }
                });
        return mine;
    }

    // ------------------------------------------------------------------ plumbing

    private <Req, Res> CompletionStage<Res> ask(ActorRef<Req> target, akka.japi.function.Function<ActorRef<Res>, Req> message) {
        return AskPattern.ask(target, message, settings.askTimeout(), system.scheduler());
    }

    private <Res, T> CompletionStage<List<T>> forEachShard(
            akka.japi.function.Function<ActorRef<Res>, ShardActor.Command> message, Function<Res, T> extract) {
        return forEachShard(message, extract, settings.askTimeout());
    }

    private <Res, T> CompletionStage<List<T>> forEachShard(
            akka.japi.function.Function<ActorRef<Res>, ShardActor.Command> message, Function<Res, T> extract,
            Duration timeout) {
        List<CompletableFuture<T>> parts = new ArrayList<>(shards.size());
        for (ActorRef<ShardActor.Command> shard : shards) {
            parts.add(AskPattern.ask(shard, message, timeout, system.scheduler()).thenApply(extract)
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(all -> parts.stream().map(CompletableFuture::join).toList());
    }
}
