package io.github.hpa4j.actors;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.javadsl.AskPattern;
import io.github.hpa4j.bridge.AddressRange;
import io.github.hpa4j.bridge.CountedPageHooks;
import io.github.hpa4j.bridge.LinuxPageHooks;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.bridge.SmapsReader;
import io.github.hpa4j.bridge.SmapsReading;
import io.github.hpa4j.bridge.SystemClock;
import io.github.hpa4j.bridge.ThpSupport;
import io.github.hpa4j.core.AllocatorException;
import io.github.hpa4j.core.Clock;
import io.github.hpa4j.core.InvalidCountException;
import io.github.hpa4j.core.InvalidFreeException;
import io.github.hpa4j.core.PageHooks;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.Shard;
import io.github.hpa4j.core.ShardDisabledException;
import io.github.hpa4j.core.ShardStats;
import io.github.hpa4j.core.SizeKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * cache ({@link FrontCache}): most allocations and frees complete at once without a message,
 * {@link #allocateNow} / {@link #freeNow} are the synchronous fast path, and {@link #trimCaches}
 * gives cached extents back on demand. Every free, through the facade or the protocol, is judged
 * on its {@link Allocation} handle first: one free of a handle wins, whoever holds its address now.
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

        private Id() {}

        @Override
        public Hpa4j createExtension(ActorSystem<?> system) {
            Hpa4jSettings settings = Hpa4jSettings.fromConfig(system.settings().config());
            // Refuses to start (PlatformUnsupportedException, saying how to fix it) rather than fall
            // back in silence to hooks that never give memory back.
            CountedPageHooks hooks = settings.pageHooks() == Hpa4jSettings.PageHookKind.PORTABLE
                    ? PageHooksFactory.portable()
                    : PageHooksFactory.create(settings.hugifyStyle());
            return start(system, settings, hooks, SystemClock.INSTANCE);
        }
    }

    /**
     * The allocator of {@code system}, started on first use from its {@code hpa4j} configuration.
     *
     * @param system the actor system
     * @return its allocator
     */
    public static Hpa4j get(ActorSystem<?> system) {
        return Id.INSTANCE.apply(system);
    }

    /**
     * Starts an allocator with explicit settings, hooks and clock (tests, or more than one allocator
     * in a system). It stops with the actor system.
     *
     * @param system   the actor system the allocator's actors run in
     * @param settings the allocator's settings
     * @param hooks    the OS calls
     * @param clock    the time its policy and timers read
     * @return the started allocator
     */
    public static Hpa4j start(ActorSystem<?> system, Hpa4jSettings settings, PageHooks hooks, Clock clock) {
        return new Hpa4j(system, settings, hooks, clock);
    }

    private final ActorSystem<?> system;
    private final Hpa4jSettings settings;
    private final MappedRegions hooks;
    /* The large allocators' own mappings, apart from eden's. */
    private final MappedRegions largeHooks;
    private final Handles handles;
    private final MemoryBudget budget;
    private final ActorRef<EdenActor.Command> eden;
    private final List<ActorRef<ShardActor.Command>> shards;
    private final AtomicLong reclaimed = new AtomicLong();
    private final SmapsReader smaps = ThpSupport.isAvailable() ? new SmapsReader() : null;
    private final AtomicReference<CompletableFuture<ShutdownReport>> stopping = new AtomicReference<>();
    private final Executor blockingExecutor;
    /** The front cache, or null when hpa4j.cache.enabled = off. */
    private final FrontCache front;

    private final ShardGateway gateway;
    private final akka.actor.Cancellable housekeeping;
    private final String name;
    /** This allocator in JMX, or null when JMX refused it. */
    private final AllocatorMBean mbean;
    /* A free the cache took: complete, shared (a minimal stage cannot be completed again by a caller). */
    private static final CompletionStage<Void> FREED = CompletableFuture.completedStage(null);

    private Hpa4j(ActorSystem<?> system, Hpa4jSettings settings, PageHooks pageHooks, Clock clock) {
        this.system = system;
        this.settings = settings;
        this.hooks = new MappedRegions(pageHooks);
        this.largeHooks = new MappedRegions(pageHooks);
        this.handles = new Handles(
                settings.safety(), settings.shards(), settings.shardOptions().slabMaxAlloc());
        handles.bind(this);
        String prefix = "hpa4j-" + INSTANCES.incrementAndGet();
        this.name = prefix;
        this.blockingExecutor = lookUp(system, DispatcherSelector.fromConfig(Hpa4jSettings.DISPATCHER));

        this.budget = new MemoryBudget(settings.maxMemory());
        AllocatorActors actors = AllocatorActors.start(
                system,
                prefix,
                settings,
                hooks,
                largeHooks,
                clock,
                handles,
                budget,
                this::purgeEverywhere,
                this::reclaim);
        this.eden = actors.eden();
        this.shards = actors.shards();
        this.gateway = new ShardGateway(shards, handles, settings.askTimeout(), system.scheduler());
        this.front = settings.cache().enabled()
                ? new FrontCache(
                        settings.cache(),
                        settings.sizeRouter().smallMax(),
                        settings.shardOptions().slabMaxAlloc(),
                        handles,
                        gateway)
                : null;
        // The cache's sweeper and the leak detector's poll share one timer.
        Duration interval = front != null ? settings.cache().sweepInterval() : Duration.ofSeconds(1);
        this.housekeeping = system.scheduler()
                .scheduleAtFixedRate(
                        interval,
                        interval,
                        () -> {
                            handles.pollLeaks();
                            if (front != null) {
                                front.sweep();
                            }
                        },
                        system.executionContext());

        CoordinatedShutdown.get(system)
                .addTask(
                        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                        prefix + "-stop",
                        () -> stop().thenApply(report -> Done.getInstance()));
        this.mbean = AllocatorMBean.register(this, prefix);
        StartLine.log(prefix, settings, pageHooks, describe(pageHooks), mbean != null);
    }

    /**
     * This allocator's name: its actors are {@code <name>-shard-<i>}, its MBean
     * {@code io.github.hpa4j:type=Allocator,name=<name>} ({@link AllocatorMXBean}).
     *
     * @return the allocator's name
     */
    public String name() {
        return name;
    }

    /** {@return the page hooks in use, and for the Linux hooks the hugify style they apply} */
    public String pageHooks() {
        return describe(hooks.delegate());
    }

    private static String describe(PageHooks hooks) {
        return hooks instanceof LinuxPageHooks linux
                ? "linux (hugify style " + linux.style().name().toLowerCase(java.util.Locale.ROOT) + ")"
                : hooks.getClass().getSimpleName();
    }

    /* The page workers' dispatcher, checked now: a bad one would otherwise fail later, untyped, in Akka. */
    private static Executor lookUp(ActorSystem<?> system, DispatcherSelector dispatcher) {
        try {
            return system.dispatchers().lookup(dispatcher);
        } catch (RuntimeException e) {
            throw new Hpa4jConfigException(
                    Hpa4jSettings.DISPATCHER, "Akka cannot start this dispatcher: " + e.getMessage(), e);
        }
    }

    /** {@return the settings the allocator started with} */
    public Hpa4jSettings settings() {
        return settings;
    }

    /** {@return the number of shards} */
    public int shardCount() {
        return shards.size();
    }

    /**
     * {@return shard {@code index}, for a client that speaks the protocol}
     *
     * @param index from 0 to {@link #shardCount()} - 1
     */
    public ActorRef<ShardActor.Command> shard(int index) {
        return shards.get(index);
    }

    /**
     * The shard a client should use: the same one every time for the same client.
     *
     * @param client any object, by its hash code
     * @return the client's shard
     */
    public ActorRef<ShardActor.Command> shardFor(Object client) {
        return shards.get(Math.floorMod(client.hashCode(), shards.size()));
    }

    // ------------------------------------------------------------------ allocation

    /**
     * One allocation of at least {@code bytes}, any size from 1 byte to {@code hpa4j.large.max-alloc}:
     * from the thread's cache (a completed stage) when it can. The caller may cancel the stage or
     * complete it itself (e.g. {@code orTimeout}): an allocation that arrives afterwards is freed
     * again and counted as reclaimed.
     *
     * @param bytes the size asked for
     * @return the allocation, when it comes
     */
    public CompletableFuture<Allocation> allocate(long bytes) {
        if (stopping.get() != null) {
            return CompletableFuture.failedFuture(ShardDisabledException.allocatorStopped());
        }
        Allocation hit = cacheHit(bytes);
        return hit != null ? CompletableFuture.completedFuture(hit) : oneFromShards(bytes);
    }

    /**
     * As {@link #allocate(long)}, aligned and zeroed as {@code options} say. The front cache serves them
     * as it serves plain requests, for small classes and whole pages and alignments up to a page (a
     * zeroed hit is cleared); a miss, a larger alignment or a large size is one ask to the thread's
     * shard, which clears only what may hold old data. Fails with an
     * {@link io.github.hpa4j.core.InvalidAlignmentException} for an alignment that is not a power of
     * two or is above a hugepage, an {@link io.github.hpa4j.core.InvalidSizeException} above the
     * largest servable size.
     *
     * @param bytes   the size asked for
     * @param options the alignment and zeroing
     * @return the allocation, when it comes
     */
    public CompletableFuture<Allocation> allocate(long bytes, AllocationOptions options) {
        if (options.plain()) {
            return allocate(bytes);
        }
        if (stopping.get() != null) {
            return CompletableFuture.failedFuture(ShardDisabledException.allocatorStopped());
        }
        Allocation hit = cacheHit(bytes, options);
        return hit != null ? CompletableFuture.completedFuture(hit) : oneFromShards(bytes, options);
    }

    private CompletableFuture<Allocation> oneFromShards(long bytes, AllocationOptions options) {
        CompletableFuture<Allocation> result = new CompletableFuture<>();
        deliver(
                gateway.allocate(gateway.shardOfCurrentThread(), bytes, 1, options),
                handles.siteHere(),
                result,
                list -> list.get(0));
        return result;
    }

    /**
     * As {@link #allocateNow(long)}, aligned and zeroed as {@code options} say (see {@link #allocate(long, AllocationOptions)}).
     *
     * @param bytes   the size asked for
     * @param options the alignment and zeroing
     * @return the allocation
     */
    public Allocation allocateNow(long bytes, AllocationOptions options) {
        if (options.plain()) {
            return allocateNow(bytes);
        }
        return join(allocate(bytes, options));
    }

    /**
     * One allocation of at least {@code bytes}, synchronously: served from the thread's cache without
     * blocking, or (a miss, or the cache off) waiting for one refill ask. Throws the typed
     * {@link AllocatorException} itself; an ask that timed out is thrown as a
     * {@link CompletionException} around the {@link java.util.concurrent.TimeoutException}, and an
     * interrupt as one around the {@link InterruptedException} (the interrupt flag set again). What
     * arrives after a timeout or an interrupt is freed again.
     *
     * @param bytes the size asked for
     * @return the allocation
     */
    public Allocation allocateNow(long bytes) {
        if (stopping.get() != null) {
            throw ShardDisabledException.allocatorStopped();
        }
        Allocation hit = cacheHit(bytes);
        return hit != null ? hit : join(oneFromShards(bytes));
    }

    /**
     * A {@link Lease} for the calling thread: a holder of one allocation at a time that the thread
     * fills and frees again, so that a pair its cache serves makes no garbage. Confined to this
     * thread.
     *
     * @return an empty lease
     */
    public Lease lease() {
        if (stopping.get() != null) {
            throw ShardDisabledException.allocatorStopped();
        }
        return new Lease(this, front == null || handles.checked() ? null : front.cacheOfCurrentThread());
    }

    /* A lease's hit: the cached extent itself, without a new handle; null when its cache has none. */
    Allocation leaseHit(ThreadCache cache, long bytes, AllocationOptions options) {
        if (stopping.get() != null) {
            throw ShardDisabledException.allocatorStopped();
        }
        Allocation taken = front.take(cache, bytes, options.alignment());
        if (taken != null && options.zeroed()) {
            handles.clear(taken.address(), taken.size());
        }
        return taken;
    }

    /* A lease's miss: its cache was looked at already, so straight to the shards, as allocateNow after a miss. */
    Allocation leaseMiss(long bytes, AllocationOptions options) {
        return join(options.plain() ? oneFromShards(bytes) : oneFromShards(bytes, options));
    }

    /* A lease gives back what leaseHit gave it: into its thread's cache. */
    void leaseFree(ThreadCache cache, Allocation taken) {
        if (stopping.get() != null) {
            throw ShardDisabledException.allocatorStopped();
        }
        front.free(cache, taken);
    }

    /* The thread's cache serves it without a message, or null (a miss, or the cache off). */
    private Allocation cacheHit(long bytes) {
        return stamped(front == null ? null : front.allocateHit(bytes));
    }

    /*
     * As cacheHit(bytes), aligned and zeroed: a cached extent holds what its last owner wrote, so a
     * zeroed hit is cleared whole (jemalloc's tcache clears a calloc hit the same way); that costs
     * less than the ask that would know which of its pages are zero already.
     */
    private Allocation cacheHit(long bytes, AllocationOptions options) {
        Allocation hit = front == null ? null : front.allocateHit(bytes, options.alignment());
        if (hit != null && options.zeroed()) {
            handles.clear(hit.address(), hit.size());
        }
        return stamped(hit);
    }

    private Allocation stamped(Allocation hit) {
        if (hit != null && handles.checked()) {
            handles.stamp(List.of(hit), handles.siteHere());
        }
        return hit;
    }

    /* One allocation through a refill or an ask, delivered only to a caller still waiting. */
    private CompletableFuture<Allocation> oneFromShards(long bytes) {
        CompletableFuture<Allocation> result = new CompletableFuture<>();
        CompletionStage<List<Allocation>> asked = front != null
                ? front.allocateMissed(bytes, 1)
                : gateway.allocate(gateway.shardOfCurrentThread(), bytes, 1);
        deliver(asked, handles.siteHere(), result, list -> list.get(0));
        return result;
    }

    /**
     * Frees synchronously: returns at once when the cache takes the free; blocks only when the free
     * goes to a shard (the cache off). Throws the typed {@link AllocatorException} itself, e.g. an
     * {@link InvalidFreeException} {@code NOT_ALLOCATED} for a second free of the same handle.
     *
     * @param allocation a live handle of this allocator
     */
    public void freeNow(Allocation allocation) {
        CompletableFuture<Void> slow = freeOrCache(allocation);
        if (slow != null) {
            join(slow);
        }
    }

    /*
     * Waits for a stage of ours. On a timeout or an interrupt the stage is completed first, so an
     * allocation arriving later is freed by deliver(); one that arrived just before is freed here.
     */
    private <T> T join(CompletableFuture<T> stage) {
        try {
            // The asks behind the stage time out by themselves; this bound is only a safety net.
            return stage.get(settings.askTimeout().toMillis() * 2 + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new CompletionException(cause);
        } catch (TimeoutException e) {
            abandon(stage, e);
            throw new CompletionException(e);
        } catch (InterruptedException e) {
            abandon(stage, e);
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    private void abandon(CompletableFuture<?> stage, Throwable why) {
        if (!stage.completeExceptionally(why) && !stage.isCompletedExceptionally()) {
            Object value = stage.join();
            if (value instanceof Allocation allocation) {
                reclaim(List.of(allocation));
            }
        }
    }

    /**
     * {@code count} allocations of {@code bytes} each, from one shard, in one message. Fails with
     * an {@link AllocatorException} (bad size or count, out of memory, overload, shut down) or, when
     * no reply came within {@code hpa4j.ask-timeout}, a {@link java.util.concurrent.TimeoutException}.
     * Whatever arrives after the stage failed, was cancelled or was completed by the caller is freed
     * again and counted as reclaimed.
     *
     * @param bytes the size of each
     * @param count how many
     * @return the allocations, when they come
     */
    public CompletableFuture<List<Allocation>> allocateBatch(long bytes, int count) {
        if (stopping.get() != null) {
            return CompletableFuture.failedFuture(ShardDisabledException.allocatorStopped());
        }
        CompletableFuture<List<Allocation>> result = new CompletableFuture<>();
        deliver(batchFromShards(bytes, count), handles.siteHere(), result, list -> list);
        return result;
    }

    private CompletionStage<List<Allocation>> batchFromShards(long bytes, int count) {
        return front != null
                ? front.allocateBatch(bytes, count)
                : gateway.allocate(gateway.shardOfCurrentThread(), bytes, count);
    }

    /*
     * Hands what a shard or cache produced to the caller's stage; when the caller no longer waits
     * for it (cancelled, completed by the caller, abandoned by join), it is freed again instead.
     */
    private <T> void deliver(
            CompletionStage<List<Allocation>> produced,
            Throwable site,
            CompletableFuture<T> result,
            Function<List<Allocation>, T> shape) {
        produced.whenComplete((list, error) -> {
            if (error != null) {
                result.completeExceptionally(
                        error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error);
                return;
            }
            handles.stamp(list, site);
            if (!result.complete(shape.apply(list))) {
                reclaim(list);
            }
        });
    }

    // ------------------------------------------------------------------ free

    /**
     * Frees one allocation: into the thread's cache (a completed stage) when the cache is on. A
     * handle is freed once: a second free, a handle of another allocator or null is refused with a
     * typed {@link InvalidFreeException} and changes nothing.
     *
     * @param allocation a live handle of this allocator
     * @return completes when the free is done
     */
    public CompletionStage<Void> free(Allocation allocation) {
        CompletableFuture<Void> slow = freeOrCache(allocation);
        return slow == null ? FREED : slow;
    }

    /* The free of one handle: null when the cache took it, else the stage of its way to a shard. */
    private CompletableFuture<Void> freeOrCache(Allocation allocation) {
        if (stopping.get() != null) {
            return CompletableFuture.failedFuture(ShardDisabledException.allocatorStopped());
        }
        AllocatorException refusal = handles.claim(allocation);
        if (refusal != null) {
            return CompletableFuture.failedFuture(refusal);
        }
        if (front != null && !handles.checked() && allocation.kind() != SizeKind.LARGE) {
            handles.releaseUnchecked(allocation);
            front.free(allocation);
            return null;
        }
        return releaseClaimed(List.of(allocation));
    }

    /**
     * Frees allocations of any shards, all or nothing: every handle is claimed before any shard frees
     * anything, and one bad entry (null, freed already, twice in the batch, another allocator's)
     * refuses the whole batch with a typed {@link InvalidFreeException} and changes nothing.
     *
     * @param allocations live handles of this allocator
     * @return completes when every shard freed its part
     */
    public CompletableFuture<Void> freeBatch(List<Allocation> allocations) {
        if (stopping.get() != null) {
            return CompletableFuture.failedFuture(ShardDisabledException.allocatorStopped());
        }
        if (allocations.isEmpty() || allocations.size() > Shard.MAX_BATCH) {
            return CompletableFuture.failedFuture(new InvalidCountException(allocations.size(), Shard.MAX_BATCH));
        }
        AllocatorException refusal = handles.claim(allocations, -1);
        if (refusal != null) {
            return CompletableFuture.failedFuture(refusal);
        }
        return releaseClaimed(allocations);
    }

    /* The extents of claimed handles go back: into the cache, else to their shards. */
    private CompletableFuture<Void> releaseClaimed(List<Allocation> claimed) {
        List<Allocation> reusable = handles.release(claimed);
        if (reusable.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (front == null) {
            return gateway.releaseToOwners(reusable);
        }
        // The front keeps small classes and whole pages: large extents go to their shards.
        List<Allocation> large = new ArrayList<>();
        List<Allocation> cached = new ArrayList<>(reusable.size());
        for (Allocation a : reusable) {
            (a.kind() == SizeKind.LARGE ? large : cached).add(a);
        }
        if (!cached.isEmpty()) {
            front.free(cached);
        }
        return large.isEmpty() ? CompletableFuture.completedFuture(null) : gateway.releaseToOwners(large);
    }

    /*
     * Allocations nobody will receive (an ask that timed out, a stage the caller gave up, a reply
     * to an actor that stopped) go straight back to their shards and are counted as reclaimed.
     */
    // The handler only counts and logs; the stage it returns completes with nothing anyone waits for.
    @SuppressWarnings("FutureReturnValueIgnored")
    void reclaim(List<Allocation> unreceived) {
        List<Allocation> mine = handles.retireUnheld(unreceived);
        if (mine.isEmpty()) {
            return;
        }
        gateway.releaseInBackground(mine).whenComplete((x, error) -> {
            if (error == null) {
                reclaimed.addAndGet(mine.size());
            } else if (!(unwrap(error) instanceof ShardDisabledException)) {
                LOG.warn("hpa4j could not reclaim {} allocations nobody received", mine.size(), error);
            }
        });
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
    }

    /*
     * A shard was refused by the budget: every shard purges its dirty pages now, not at its next
     * timer, and gives its empty purged slabs back to eden.
     */
    private void purgeEverywhere() {
        budget.raisePressure();
        for (ActorRef<ShardActor.Command> shard : shards) {
            shard.tell(new ShardActor.RunDeferredWork(system.ignoreRef()));
        }
    }

    // ------------------------------------------------------------------ front cache

    /**
     * Whether the facade goes through the front cache ({@code hpa4j.cache.enabled}).
     *
     * @return whether the front cache is on
     */
    public boolean cacheEnabled() {
        return front != null;
    }

    /**
     * A memory-pressure hint: flushes every thread's cache (and, at the checked levels, every
     * quarantine) to the shards now. Completes when the shards have taken every flushed extent back
     * (then the stats' active pages are exactly the pages callers hold).
     *
     * @return completes when the shards took everything back
     */
    public CompletionStage<Void> trimCaches() {
        return flush(false);
    }

    /* The quarantines and caches to the shards; when stopping, closing the caches: nothing stays cached after. */
    private CompletableFuture<Void> flush(boolean stopping) {
        List<Allocation> quarantined = handles.drainQuarantines();
        CompletableFuture<Void> drained = quarantined.isEmpty()
                ? CompletableFuture.completedFuture(null)
                : gateway.releaseInBackground(quarantined);
        if (front == null) {
            return drained;
        }
        return CompletableFuture.allOf(drained, stopping ? front.close() : front.trim());
    }

    /* For tests of the front: null when the cache is off. */
    FrontCache front() {
        return front;
    }

    /**
     * The front cache's figures now ({@link CacheStats#NONE} when it is off).
     *
     * @return the front cache's figures
     */
    public CacheStats cacheStats() {
        return front == null ? CacheStats.NONE : front.stats();
    }

    // ------------------------------------------------------------------ operations

    /**
     * Runs the deferred work due in every shard now; completes with the jobs begun.
     *
     * @return the jobs begun, when every shard answered
     */
    public CompletionStage<Integer> runDeferredWork() {
        return forEachShard(ShardActor.RunDeferredWork::new, ShardActor.DeferredWorkStarted::jobsBegun)
                .thenApply(counts -> counts.stream().mapToInt(Integer::intValue).sum());
    }

    /**
     * Lets every shard defer its purges and hugifies to its timer, or not; turning deferral off does the due work at once.
     *
     * @param allowed whether deferred work waits for the shards' timers
     * @return completes when every shard answered
     */
    public CompletionStage<Void> setDeferralAllowed(boolean allowed) {
        return forEachShard(
                        (ActorRef<ShardActor.DeferralSet> replyTo) ->
                                new ShardActor.SetDeferralAllowed(allowed, replyTo),
                        set -> set)
                .thenApply(all -> null);
    }

    /**
     * A snapshot of every shard and the allocator's smaps figures. It does not ask eden, so it
     * answers even while eden waits in a slow mmap.
     *
     * @return the snapshot, when every shard answered
     */
    public CompletionStage<AllocatorStats> stats() {
        // Reading smaps takes milliseconds: do it on the blocking dispatcher, not the thread that
        // completed the last ask (a shard's).
        return forEachShard(ShardActor.GetStats::new, s -> s)
                .thenApplyAsync(
                        snapshots -> {
                            ShardStats total = ShardStats.empty();
                            for (ShardActor.ShardSnapshot snapshot : snapshots) {
                                total = total.plus(snapshot.stats());
                            }
                            long mapped = hooks.mappedBytes();
                            List<AddressRange> regions = new ArrayList<>(hooks.regions());
                            regions.addAll(largeHooks.regions());
                            SmapsReading reading = smaps == null ? SmapsReading.EMPTY : smaps.read(regions);
                            return new AllocatorStats(
                                    snapshots,
                                    total,
                                    mapped,
                                    mapped - total.npageslabs() * Pages.HUGEPAGE,
                                    reading,
                                    hooks.delegate() instanceof CountedPageHooks counted ? counted.stats() : null,
                                    reclaimed.get(),
                                    cacheStats(),
                                    handles.stats(),
                                    pageHooks(),
                                    new BudgetStats(
                                            budget.limited() ? settings.maxMemory() : Long.MAX_VALUE,
                                            budget.heldPages() * Pages.PAGE),
                                    SizeClassTotals.smallClasses(snapshots),
                                    SizeClassTotals.large(snapshots));
                        },
                        blockingExecutor);
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Stops the allocator (also run by CoordinatedShutdown). The facade refuses every call from now
     * on and the shards refuse new allocations; the caches and quarantines are flushed (so what they
     * held is freed, not reclaimed as live); then every scope closes, so that any access through a
     * segment this allocator handed out throws {@link IllegalStateException}; only then does every
     * shard wait for its jobs in flight and unmap its slabs, and eden unmap what is left. Completes
     * with what had to be reclaimed. Idempotent.
     *
     * @return what stopping reclaimed, when it is done
     */
    public CompletionStage<ShutdownReport> stop() {
        CompletableFuture<ShutdownReport> mine = new CompletableFuture<>();
        if (!stopping.compareAndSet(null, mine)) {
            return stopping.get();
        }
        Duration timeout = settings.askTimeout().plusSeconds(30);
        AllocatorStopEvent stopEvent = AllocatorStopEvent.begin(name);
        housekeeping.cancel();
        forEachShard(ShardActor.Disable::new, d -> d, timeout)
                .thenCompose(disabled -> flush(true).exceptionally(error -> {
                    LOG.warn("hpa4j: flushing the front caches at stop failed", error);
                    return null;
                }))
                .thenComposeAsync(x -> closeScopes(false), blockingExecutor)
                .thenCompose(x -> forEachShard(ShardActor.Stop::new, s -> s, timeout))
                .thenCompose(stopped -> AskPattern.<EdenActor.Command, EdenActor.Released>ask(
                                eden, EdenActor.Release::new, timeout, system.scheduler())
                        .thenApply(released -> ShutdownReport.of(stopped, released.remainingBytesUnmapped())))
                .whenComplete((report, error) -> {
                    if (mbean != null) {
                        mbean.unregister();
                    }
                    if (error != null) {
                        LOG.error("hpa4j did not stop cleanly", error);
                        mine.completeExceptionally(error);
                    } else {
                        LOG.info(
                                "{} stopped: reclaimed {} live extents ({} bytes), unmapped {} slabs and {} bytes of eden",
                                name,
                                report.liveExtents(),
                                report.liveBytes(),
                                report.slabs(),
                                report.edenBytes());
                        stopEvent.end(report);
                        mine.complete(report);
                    }
                });
        return mine;
    }

    /*
     * Nothing may be unmapped while a segment can still reach it. A scope stays open only while a
     * native call holds one of its segments; such a call ends, so closing is retried until it does.
     */
    private CompletionStage<Void> closeScopes(boolean warned) {
        if (handles.close()) {
            return CompletableFuture.completedFuture(null);
        }
        if (!warned) {
            LOG.warn("hpa4j: a native call holds one of its segments; unmapping waits until it returns");
        }
        Executor later = CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS, blockingExecutor);
        return CompletableFuture.runAsync(() -> {}, later).thenCompose(x -> closeScopes(true));
    }

    // ------------------------------------------------------------------ plumbing

    private <Res, T> CompletionStage<List<T>> forEachShard(
            akka.japi.function.Function<ActorRef<Res>, ShardActor.Command> message, Function<Res, T> extract) {
        return forEachShard(message, extract, settings.askTimeout());
    }

    private <Res, T> CompletionStage<List<T>> forEachShard(
            akka.japi.function.Function<ActorRef<Res>, ShardActor.Command> message,
            Function<Res, T> extract,
            Duration timeout) {
        List<CompletableFuture<T>> parts = new ArrayList<>(shards.size());
        for (ActorRef<ShardActor.Command> shard : shards) {
            parts.add(AskPattern.ask(shard, message, timeout, system.scheduler())
                    .thenApply(extract)
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(all -> parts.stream().map(CompletableFuture::join).toList());
    }
}
