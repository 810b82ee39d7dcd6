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
 * With {@code hpa4j.cache.enabled = on} (the default) the facade goes through a per-thread front
 * cache ({@link FrontCache}, issue 7): most allocations and frees complete at once without a
 * message, {@link #allocateNow} / {@link #freeNow} are the synchronous fast path, and
 * {@link #trimCaches} gives cached extents back on demand. An allocation the facade handed out is
 * freed through the facade (the protocol's {@code Free} would bypass the cache's double-free check).
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
    /** The front cache, or null when hpa4j.cache.enabled = off. */
    private final FrontCache front;
    private final akka.actor.Cancellable sweeper;

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

        if (settings.cache().enabled()) {
            this.front = new FrontCache(settings.cache(), settings.shardOptions().slabMaxAlloc(), new FrontCache.Backend() {
                @Override
                public CompletionStage<List<Allocation>> allocate(int shard, long bytes, int count) {
                    return allocateFrom(shards.get(shard), bytes, count);
                }

                @Override
                public CompletionStage<Void> free(int shard, List<Allocation> allocations) {
                    return freeTo(shards.get(shard), allocations);
                }

                @Override
                public CompletionStage<Void> freeUncached(List<Allocation> allocations) {
                    return freeDirect(allocations);
                }

                @Override
                public int shardOfCurrentThread() {
                    return shardIndexForCurrentThread();
                }
            });
            Duration interval = settings.cache().sweepInterval();
            this.sweeper = system.scheduler().scheduleAtFixedRate(interval, interval, front::sweep,
                    system.executionContext());
        } else {
            this.front = null;
            this.sweeper = null;
        }

        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), prefix + "-stop",
                () -> stop().thenApply(report -> Done.getInstance()));
        LOG.info("hpa4j started: {} shards, {} page workers, hugify style {}, slab max alloc {} bytes, front cache {}",
                settings.shards(), settings.pageWorkers(), settings.hugifyStyle(),
                settings.shardOptions().slabMaxAlloc(), front == null ? "off" : "on");
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
        return shards.get(shardIndexForCurrentThread());
    }

    private int shardIndexForCurrentThread() {
        return (int) Math.floorMod(Thread.currentThread().threadId(), (long) shards.size());
    }

    // ------------------------------------------------------------------ allocation

    /** One allocation of at least {@code bytes}: from the thread's cache (a completed stage) when it can. */
    public CompletionStage<Allocation> allocate(long bytes) {
        if (front != null && stopping.get() == null) {
            Allocation hit = front.allocateHit(bytes);
            if (hit != null) {
                return CompletableFuture.completedFuture(hit);
            }
        }
        return allocateBatch(bytes, 1).thenApply(list -> list.get(0));
    }

    /**
     * One allocation of at least {@code bytes}, synchronously: served from the thread's cache without
     * blocking, or (a miss, or the cache off) waiting for one refill ask. Throws the typed
     * {@link AllocatorException} itself; an ask that timed out is thrown as a
     * {@link java.util.concurrent.CompletionException} around the {@link java.util.concurrent.TimeoutException}.
     */
    public Allocation allocateNow(long bytes) {
        if (stopping.get() != null) {
            throw ShardDisabledException.allocatorStopped();
        }
        if (front != null) {
            Allocation hit = front.allocateHit(bytes);
            if (hit != null) {
                return hit;
            }
        }
        return join(allocateBatch(bytes, 1)).get(0);
    }

    /**
     * Frees synchronously: returns at once when the cache takes the free; blocks only when the free
     * goes to a shard (the cache off, or a handle the cache did not hand out). Throws the typed
     * {@link AllocatorException} itself, e.g. an {@link io.github.hpa4j.core.InvalidFreeException}
     * {@code NOT_ALLOCATED} for a double free even while the first free sits in a cache.
     */
    public void freeNow(Allocation allocation) {
        if (stopping.get() != null) {
            throw ShardDisabledException.allocatorStopped();
        }
        if (front != null) {
            CompletionStage<Void> slow = front.free(allocation);
            if (slow != null) {
                join(slow);
            }
            return;
        }
        join(freeDirect(java.util.Collections.singletonList(allocation)));
    }

    private <T> T join(CompletionStage<T> stage) {
        try {
            // The asks behind the stage time out by themselves; this bound is only a safety net.
            return stage.toCompletableFuture().get(settings.askTimeout().toMillis() * 2 + 1_000,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new java.util.concurrent.CompletionException(cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new java.util.concurrent.CompletionException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CompletionException(e);
        }
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
        if (front != null) {
            return front.allocateBatch(bytes, count);
        }
        return allocateFrom(shardForCurrentThread(), bytes, count);
    }

    private CompletionStage<List<Allocation>> allocateFrom(ActorRef<ShardActor.Command> shard, long bytes, int count) {
        return ask(shard, (ActorRef<ShardActor.AllocateReply> replyTo) ->
                new ShardActor.Allocate(bytes, count, replyTo))
                .thenCompose(reply -> switch (reply) {
                    case ShardActor.Allocated allocated -> CompletableFuture.completedFuture(allocated.allocations());
                    case ShardActor.AllocateFailed failed -> CompletableFuture.failedFuture(failed.error());
                });
    }

    // ------------------------------------------------------------------ free

    /** Frees one allocation: into the thread's cache (a completed stage) when the cache handed it out. */
    public CompletionStage<Void> free(Allocation allocation) {
        if (front != null && stopping.get() == null) {
            CompletionStage<Void> slow = front.free(allocation);
            return slow == null ? CompletableFuture.completedFuture(null) : slow;
        }
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
        return front != null ? front.freeBatch(allocations) : freeDirect(allocations);
    }

    /* Without the cache: one Free message per shard of the batch. */
    private CompletionStage<Void> freeDirect(List<Allocation> allocations) {
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
        if (byShard.size() == 1) {
            Map.Entry<Integer, List<Allocation>> only = byShard.entrySet().iterator().next();
            return freeTo(shards.get(only.getKey()), only.getValue());
        }
        byShard.forEach((shard, part) -> parts.add(freeTo(shards.get(shard), part).toCompletableFuture()));
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    private CompletionStage<Void> freeTo(ActorRef<ShardActor.Command> shard, List<Allocation> allocations) {
        return ask(shard, (ActorRef<ShardActor.FreeReply> replyTo) -> new ShardActor.Free(allocations, replyTo))
                .thenCompose(reply -> switch (reply) {
                    case ShardActor.Freed freed -> CompletableFuture.<Void>completedFuture(null);
                    case ShardActor.FreeFailed failed -> CompletableFuture.<Void>failedFuture(failed.error());
                });
    }

    // ------------------------------------------------------------------ front cache

    /** Whether the facade goes through the front cache ({@code hpa4j.cache.enabled}). */
    public boolean cacheEnabled() {
        return front != null;
    }

    /**
     * A memory-pressure hint: flushes every thread's cache to the shards now. Completes when the
     * shards have taken every flushed extent back (then the stats' active pages are exactly the
     * pages callers hold). Does nothing when the cache is off.
     */
    public CompletionStage<Void> trimCaches() {
        return front == null ? CompletableFuture.completedFuture(null) : front.trim();
    }

    /** The front cache's figures now ({@link CacheStats#NONE} when it is off). */
    public CacheStats cacheStats() {
        return front == null ? CacheStats.NONE : front.stats();
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
                    hooks.delegate() instanceof CountedPageHooks counted ? counted.stats() : null, reclaimed.get(),
                    cacheStats());
        }, blockingExecutor);
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Stops the allocator (also run by CoordinatedShutdown): the front caches are flushed first (so
     * what they held is freed, not reclaimed as live), then every shard refuses new allocations,
     * waits for its jobs in flight and unmaps its slabs; then eden unmaps what is left. Completes
     * with what had to be reclaimed. Idempotent.
     */
    public CompletionStage<ShutdownReport> stop() {
        CompletableFuture<ShutdownReport> mine = new CompletableFuture<>();
        if (!stopping.compareAndSet(null, mine)) {
            return stopping.get();
        }
        Duration timeout = settings.askTimeout().plusSeconds(30);
        // The caches first: what they hold goes back to the shards, so it is not reported as live.
        CompletionStage<Void> trimmed = CompletableFuture.completedFuture(null);
        if (front != null) {
            sweeper.cancel();
            trimmed = front.trim().exceptionally(error -> {
                LOG.warn("hpa4j: flushing the front caches at stop failed", error);
                return null;
            });
        }
        trimmed.thenCompose(x -> forEachShard(ShardActor.Stop::new, s -> s, timeout))
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
