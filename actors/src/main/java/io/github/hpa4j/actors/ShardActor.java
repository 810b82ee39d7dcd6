package io.github.hpa4j.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.github.hpa4j.core.AllocatorException;
import io.github.hpa4j.core.Clock;
import io.github.hpa4j.core.DeferredJob;
import io.github.hpa4j.core.Extent;
import io.github.hpa4j.core.InvalidCountException;
import io.github.hpa4j.core.JobSlots;
import io.github.hpa4j.core.LargeAllocator;
import io.github.hpa4j.core.LargeExtent;
import io.github.hpa4j.core.LargeStats;
import io.github.hpa4j.core.MemoryBudgetExceededException;
import io.github.hpa4j.core.PageBudget;
import io.github.hpa4j.core.PageHooks;
import io.github.hpa4j.core.PageSlab;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.Shard;
import io.github.hpa4j.core.ShardDisabledException;
import io.github.hpa4j.core.ShardPageSource;
import io.github.hpa4j.core.ShardStats;
import io.github.hpa4j.core.SizeKind;
import io.github.hpa4j.core.SizeRouter;
import io.github.hpa4j.core.SlabNeededException;
import io.github.hpa4j.core.SmallAllocator;
import io.github.hpa4j.core.SmallClassStats;
import io.github.hpa4j.core.SmallSizeClasses;
import io.github.hpa4j.core.ZeroedExtent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HPA shard as an actor: the mailbox is hpa.c's {@code shard->mtx}, one message one critical
 * section. The actor holds no policy; core's {@link SizeRouter} sends each request to the layer that
 * serves it, a {@link SmallAllocator} whose bin slabs are page extents of the {@link Shard}, the shard
 * itself, or a {@link LargeAllocator} mapping its own hugepages through the same page hooks, and the
 * actor carries out what they decide:
 * <ul>
 *   <li>growing: at most one {@link EdenActor.Extract} in flight ({@code shard->grow_mtx});
 *       allocations that cannot be served wait in a bounded stash meanwhile, while frees and
 *       allocations that fit go on;</li>
 *   <li>purge and hugify jobs go to the page worker, and its reply ends the job;</li>
 *   <li>deferred work runs from a timer armed with the time until it is due (jemalloc's
 *       background thread), or after each alloc and free when deferral is not allowed;</li>
 *   <li>the large allocator's idle hugepages are given back from a timer armed with the time until
 *       its next release (its purges run inline: they are few, a hugepage each);</li>
 *   <li>zeroed requests are cleared here, only where core says old data may lie.</li>
 * </ul>
 * Bad requests are answered with a typed failure and change nothing; they never throw here.
 *
 * <p>Three behaviours: serving; stopping, where allocations are refused, frees still land and jobs in
 * flight end, but no work begins; and stopped, once the shard's memory is unmapped, where every
 * request is refused.
 *
 * <p>Handlers return {@code Behaviors.same()}, not {@code this}: the actor runs inside a supervisor
 * and a timer interceptor, and a returned {@code this} makes each of them build a new interceptor
 * for every message.
 */
public final class ShardActor extends AbstractBehavior<ShardActor.Command> {
    /* A logger named after this class, not the actor cell, so users can configure it by name. */
    private static final Logger LOG = LoggerFactory.getLogger(ShardActor.class);

    // ------------------------------------------------------------------ protocol

    /** What a shard is asked to do: the protocol a client speaks. */
    public sealed interface Command {}

    /**
     * Allocate {@code count} allocations of {@code bytes} each, made as {@code options} say (rounded
     * up to a small class, to pages, or to a large size). All or nothing.
     *
     * @param bytes   the size of each
     * @param count   how many
     * @param options the alignment and zeroing
     * @param replyTo gets the allocations or the refusal
     */
    public record Allocate(long bytes, int count, AllocationOptions options, ActorRef<AllocateReply> replyTo)
            implements Command {
        /** Refuses null options. */
        public Allocate {
            Objects.requireNonNull(options, "options");
        }

        /**
         * With {@link AllocationOptions#DEFAULT}.
         *
         * @param bytes   the size of each
         * @param count   how many
         * @param replyTo gets the allocations or the refusal
         */
        public Allocate(long bytes, int count, ActorRef<AllocateReply> replyTo) {
            this(bytes, count, AllocationOptions.DEFAULT, replyTo);
        }
    }

    /**
     * Free allocations of this shard. All or nothing: one bad handle (null, freed already, twice in
     * the batch, another shard's or another allocator's) refuses the batch and changes nothing. A
     * null list is refused here, since the shard could not answer it.
     *
     * @param allocations live handles of this shard
     * @param replyTo     gets the count or the refusal
     */
    public record Free(List<Allocation> allocations, ActorRef<FreeReply> replyTo) implements Command {
        /** Refuses a null list. */
        public Free {
            Objects.requireNonNull(allocations, "allocations");
        }
    }

    /*
     * Allocations whose handles the facade already claimed and retired (cache flushes, quarantine,
     * what nobody received): freed without a claim, still validated by core.
     */
    record Release(List<Allocation> retired, ActorRef<FreeReply> replyTo) implements Command {}

    /*
     * Stock for the transfer tier: up to count extents of bytes from what the shard has, never
     * waiting for eden (an empty answer starts a slab request, so that the next stock finds room).
     * Callers wait only on Allocate; stock must never hold pages a waiting caller could use.
     */
    record Stock(long bytes, int count, ActorRef<AllocateReply> replyTo) implements Command {}

    /**
     * Report the shard's state.
     *
     * @param replyTo gets the snapshot
     */
    public record GetStats(ActorRef<ShardSnapshot> replyTo) implements Command {}

    /**
     * Do the deferred work due now, forced (hpa_shard_do_deferred_work).
     *
     * @param replyTo gets the jobs begun
     */
    public record RunDeferredWork(ActorRef<DeferredWorkStarted> replyTo) implements Command {}

    /**
     * hpa_shard_set_deferral_allowed; turning deferral off does the due work at once.
     *
     * @param allowed whether deferred work waits for the shard's timer
     * @param replyTo told once it is set
     */
    public record SetDeferralAllowed(boolean allowed, ActorRef<DeferralSet> replyTo) implements Command {}

    /**
     * Graceful stop: refuse new allocations, wait for jobs in flight, unmap every slab.
     *
     * @param replyTo told what was still live once the slabs are unmapped
     */
    public record Stop(ActorRef<ShardStopped> replyTo) implements Command {}

    /*
     * The first step of the allocator's stop: refuse new allocations (frees go on), so that no handle
     * is made while the allocator closes its scopes.
     */
    record Disable(ActorRef<Disabled> replyTo) implements Command {}

    record Disabled(int shard) {}

    /** The answer to {@link Allocate}. */
    public sealed interface AllocateReply {}

    /**
     * Every allocation asked for.
     *
     * @param allocations the handles, as many as asked for
     */
    public record Allocated(List<Allocation> allocations) implements AllocateReply {}

    /**
     * The request was refused; nothing was allocated.
     *
     * @param error why
     */
    public record AllocateFailed(AllocatorException error) implements AllocateReply {}

    /** The answer to {@link Free}. */
    public sealed interface FreeReply {}

    /**
     * Every allocation of the batch was freed.
     *
     * @param count how many
     */
    public record Freed(int count) implements FreeReply {}

    /**
     * The batch was refused; nothing was freed.
     *
     * @param error why, naming the first bad handle
     */
    public record FreeFailed(AllocatorException error) implements FreeReply {}

    /**
     * One shard's state.
     *
     * @param stats       core's snapshot (bins, counters, pending purge, jobs in flight, live extents)
     * @param stashDepth  allocations waiting for eden
     * @param growing     whether a slab request to eden is in flight
     * @param backingOff  whether the shard begins no job now, backing off after a failed one
     * @param smallClasses each small class's counters, smallest first (their slabs' pages are among
     *                    the shard's active pages)
     * @param large       the large allocator's counters (its hugepages are mapped apart from eden's)
     */
    public record ShardSnapshot(
            ShardStats stats,
            int stashDepth,
            boolean growing,
            boolean backingOff,
            List<SmallClassStats> smallClasses,
            LargeStats large) {}

    /**
     * A deferred-work pass ran.
     *
     * @param jobsBegun purge and hugify jobs the pass sent to the page worker
     */
    public record DeferredWorkStarted(int jobsBegun) {}

    /**
     * Deferral is set.
     *
     * @param allowed whether deferred work now waits for the shard's timer
     */
    public record DeferralSet(boolean allowed) {}

    /**
     * The shard stopped and unmapped its slabs.
     *
     * @param shard     the shard's index
     * @param reclaimed what was still live
     */
    public record ShardStopped(int shard, Shard.Reclaimed reclaimed) {}

    private record ExtractReplyReceived(EdenActor.ExtractReply reply) implements Command {}

    private record JobOutcomeReceived(PageWorker.JobOutcome outcome) implements Command {}

    private enum DeferredWorkDue implements Command {
        INSTANCE
    }

    private enum LargeReleaseDue implements Command {
        INSTANCE
    }

    // ------------------------------------------------------------------ behaviour

    /**
     * What one shard actor is wired to, all given by the allocator that starts it.
     *
     * @param index           the shard's index among the allocator's shards
     * @param settings        the allocator's settings
     * @param hooks           the page hooks the shard's slabs map through
     * @param largeHooks      the page hooks the large allocator maps through
     * @param clock           the clock deferred work is timed by
     * @param eden            where the shard grows from
     * @param pageWorkers     where the shard's purge and hugify jobs run
     * @param handles         the allocator's handle table
     * @param budget          the memory budget shared by all shards
     * @param slots           this shard's share of the page workers' jobs in flight
     * @param onBudgetRefused tells every shard to purge when the budget refuses a request
     */
    record Wiring(
            int index,
            Hpa4jSettings settings,
            PageHooks hooks,
            PageHooks largeHooks,
            Clock clock,
            ActorRef<EdenActor.Command> eden,
            ActorRef<PageWorker.Command> pageWorkers,
            Handles handles,
            PageBudget budget,
            JobSlots slots,
            Runnable onBudgetRefused) {}

    static Behavior<Command> create(Wiring wiring) {
        Behavior<Command> behavior =
                Behaviors.setup(context -> Behaviors.withTimers(timers -> new ShardActor(context, timers, wiring)));
        /*
         * Resume, never restart: a restart would drop the shard's metadata while its memory stays
         * mapped and its extents stay in callers' hands. Bad input never throws here; anything that
         * does is a bug, logged by Akka, and the shard goes on serving.
         */
        return Behaviors.supervise(behavior).onFailure(SupervisorStrategy.resume());
    }

    private static final String DEFERRED_WORK_TIMER = "deferred-work";
    private static final String LARGE_RELEASE_TIMER = "large-release";

    private final int index;
    private final Hpa4jSettings settings;
    private final Clock clock;
    private final TimerScheduler<Command> timers;
    private final ActorRef<EdenActor.Command> eden;
    private final ActorRef<PageWorker.Command> pageWorkers;
    private final ActorRef<EdenActor.ExtractReply> extractReplies;
    private final ActorRef<PageWorker.JobOutcome> jobOutcomes;
    private final Shard shard;
    private final SizeRouter router;
    private final SmallAllocator small;
    private final LargeAllocator large;
    private final Handles handles;
    /* Tells every shard to purge: idle memory goes back before the next refusal. */
    private final Runnable onBudgetRefused;

    private final ArrayDeque<PendingAllocation> stash = new ArrayDeque<>();
    /* Stock requests that found the shard empty while it grows: answered after the stash, never before. */
    private final List<Stock> pendingStock = new ArrayList<>();
    /* Bytes the stashed requests ask for in all: bounded by hpa4j.stash-bytes. */
    private long stashedBytes;
    private boolean growing;
    /* The request to eden in flight, timed for JFR. */
    private SlabGrowthEvent growth;
    private long deferredWorkDeadline = Long.MAX_VALUE;

    private ShardActor(ActorContext<Command> context, TimerScheduler<Command> timers, Wiring wiring) {
        super(context);
        int index = wiring.index();
        Hpa4jSettings settings = wiring.settings();
        Clock clock = wiring.clock();
        PageBudget budget = wiring.budget();
        this.index = index;
        this.handles = wiring.handles();
        this.onBudgetRefused = wiring.onBudgetRefused();
        this.settings = settings;
        this.clock = clock;
        this.timers = timers;
        this.eden = wiring.eden();
        this.pageWorkers = wiring.pageWorkers();
        this.extractReplies = context.messageAdapter(EdenActor.ExtractReply.class, ExtractReplyReceived::new);
        this.jobOutcomes = context.messageAdapter(PageWorker.JobOutcome.class, JobOutcomeReceived::new);
        // No more jobs in flight than there are page workers: more would only queue, each holding a
        // slab mid_purge where allocations cannot use it.
        this.shard = new Shard(
                index,
                settings.shardOptions(),
                wiring.hooks(),
                clock,
                this::dispatch,
                settings.pageWorkers(),
                budget,
                wiring.slots());
        shard.setJobRetryBackoff(
                settings.jobRetryBackoff().toNanos(),
                settings.jobRetryBackoffMax().toNanos());
        this.router = settings.sizeRouter();
        // Bin slabs never grow the shard here: a slab comes from eden by message, as for pages.
        this.small = new SmallAllocator(index, ShardPageSource.withoutGrowing(shard));
        this.large = new LargeAllocator(index, settings.large(), wiring.largeHooks(), clock, budget);
    }

    /* Serving: every message may change what deferred work is due, so each ends by re-arming its timer. */
    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(
                        Allocate.class,
                        request -> answered(
                                request,
                                this::onAllocate,
                                e -> request.replyTo().tell(new AllocateFailed(e)),
                                this::serving))
                .onMessage(
                        Stock.class,
                        request -> answered(
                                request,
                                this::onStock,
                                e -> request.replyTo().tell(new AllocateFailed(e)),
                                this::serving))
                .onMessage(
                        Free.class,
                        request -> answered(
                                request, this::onFree, e -> request.replyTo().tell(new FreeFailed(e)), this::serving))
                .onMessage(
                        Release.class,
                        request -> answered(
                                request,
                                this::onRelease,
                                e -> request.replyTo().tell(new FreeFailed(e)),
                                this::serving))
                .onMessage(ExtractReplyReceived.class, received -> {
                    onExtractReply(received);
                    return serving();
                })
                .onMessage(JobOutcomeReceived.class, this::onJobOutcome)
                .onMessageEquals(DeferredWorkDue.INSTANCE, this::onDeferredWorkDue)
                .onMessageEquals(LargeReleaseDue.INSTANCE, this::onLargeReleaseDue)
                .onMessage(GetStats.class, this::onGetStats)
                .onMessage(RunDeferredWork.class, this::onRunDeferredWork)
                .onMessage(SetDeferralAllowed.class, this::onSetDeferralAllowed)
                .onMessage(Disable.class, this::onDisable)
                .onMessage(Stop.class, this::onStop)
                .build();
    }

    /* The serving behaviour's end of every message. */
    private Behavior<Command> serving() {
        afterStateChange();
        return Behaviors.same();
    }

    /*
     * Stopping: allocations are refused; frees still land, from callers and from caches that give
     * back what they held; jobs in flight end and begin no others. Each message may be the last
     * that kept the shard busy, so each ends by checking whether it can unmap.
     */
    private Behavior<Command> stopping(ActorRef<ShardStopped> requester) {
        Supplier<Behavior<Command>> next = () -> completeStopIfQuiet(requester);
        return Behaviors.receive(Command.class)
                .onMessage(
                        Free.class,
                        request -> answered(
                                request, this::onFree, e -> request.replyTo().tell(new FreeFailed(e)), next))
                .onMessage(
                        Release.class,
                        request -> answered(
                                request, this::onRelease, e -> request.replyTo().tell(new FreeFailed(e)), next))
                .onMessage(ExtractReplyReceived.class, received -> {
                    onExtractReply(received);
                    return next.get();
                })
                .onMessage(JobOutcomeReceived.class, received -> {
                    endJob(received.outcome());
                    return next.get();
                })
                .onMessage(Command.class, this::whileNotServing)
                .build();
    }

    /* Stopped: the shard's memory is unmapped, so every request is refused. */
    private Behavior<Command> stopped() {
        return Behaviors.receive(Command.class)
                .onMessage(Free.class, request -> {
                    request.replyTo().tell(new FreeFailed(new ShardDisabledException(index)));
                    return Behaviors.same();
                })
                .onMessage(Release.class, request -> {
                    request.replyTo().tell(new FreeFailed(new ShardDisabledException(index)));
                    return Behaviors.same();
                })
                .onMessage(Command.class, this::whileNotServing)
                .build();
    }

    /*
     * What stopping and stopped share: allocations are refused, a second stop is answered at once,
     * the operator's requests are answered and begin no work, and a timer that fired before the
     * stop cancelled it is ignored.
     */
    private Behavior<Command> whileNotServing(Command command) {
        switch (command) {
            case Allocate request -> request.replyTo().tell(new AllocateFailed(new ShardDisabledException(index)));
            case Stock request -> request.replyTo().tell(new AllocateFailed(new ShardDisabledException(index)));
            case Stop stop -> stop.replyTo().tell(new ShardStopped(index, new Shard.Reclaimed(0, 0, 0)));
            case GetStats get -> onGetStats(get);
            case RunDeferredWork run -> {
                releaseEmptySlabs();
                run.replyTo().tell(new DeferredWorkStarted(0));
            }
            // Deferral stays allowed while the shard stops: with it, a free begins no job.
            case SetDeferralAllowed set -> set.replyTo().tell(new DeferralSet(true));
            case Disable disable -> onDisable(disable);
            default ->
                LOG.debug(
                        "shard {}: {} ignored, the shard is stopping or stopped",
                        index,
                        command.getClass().getSimpleName());
        }
        return Behaviors.same();
    }

    /*
     * Bad input never throws here; anything else that does is a bug. Its request is still answered,
     * typed, so no caller waits for a reply that will never come.
     */
    private <T extends Command> Behavior<Command> answered(
            T request, Consumer<T> handler, Consumer<AllocatorException> reply, Supplier<Behavior<Command>> next) {
        try {
            handler.accept(request);
        } catch (RuntimeException e) {
            LOG.error(
                    "shard {}: {} failed unexpectedly",
                    index,
                    request.getClass().getSimpleName(),
                    e);
            reply.accept(new AllocatorFailureException("shard " + index + " failed", e));
        }
        return next.get();
    }

    private void onAllocate(Allocate request) {
        if (handles.closed() || shard.disabled()) {
            // The allocator is stopping: no handle can be made any more, so nothing is allocated.
            request.replyTo().tell(new AllocateFailed(new ShardDisabledException(index)));
            return;
        }
        PendingAllocation pending;
        boolean complete;
        try {
            if (request.count() < 1 || request.count() > Shard.MAX_BATCH) {
                throw new InvalidCountException(request.count(), Shard.MAX_BATCH);
            }
            pending = new PendingAllocation(
                    request, router.route(request.bytes(), request.options().alignment()));
        } catch (AllocatorException e) {
            refuse(request, e);
            return;
        }
        try {
            complete = fill(pending);
        } catch (AllocatorException e) {
            giveBack(pending);
            refuse(request, e);
            return;
        }
        if (complete) {
            reply(pending);
        } else if (!stash.isEmpty() && stashedBytes + requestBytes(request) > settings.stashBytes()) {
            giveBack(pending);
            request.replyTo()
                    .tell(new AllocateFailed(new ShardOverloadedException(index, stashedBytes, settings.stashBytes())));
        } else {
            stash.add(pending);
            stashedBytes += requestBytes(request);
            growIfIdle();
        }
    }

    /*
     * Serves what the request still misses from what its layer has, keeping what it got; false when
     * the shard needs a slab from eden first. A zeroed allocation is cleared where core says old data
     * may lie: a small region always, pages and large extents only where they were touched since
     * their last purge.
     */
    private boolean fill(PendingAllocation pending) {
        Allocate request = pending.request;
        boolean zeroed = request.options().zeroed();
        switch (pending.kind) {
            case PAGES -> {
                if (!zeroed) {
                    shard.allocNoGrow(request.bytes(), pending.missing(), pending.got);
                }
                while (zeroed && pending.missing() > 0) {
                    ZeroedExtent z = shard.allocZeroedNoGrow(request.bytes());
                    if (z == null) {
                        return false;
                    }
                    handles.clear(z.extent().address(), z.extent().size(), z.toClear());
                    pending.got.add(z.extent());
                }
            }
            case SMALL ->
                allocSmallNoGrow(
                        SizeRouter.smallRequest(
                                request.bytes(), request.options().alignment()),
                        request.count(),
                        zeroed,
                        pending.got);
            case LARGE -> {
                try {
                    while (pending.missing() > 0) {
                        LargeExtent extent =
                                large.alloc(request.bytes(), request.options().alignment());
                        if (zeroed) {
                            handles.clear(extent.address(), extent.size(), extent.toClear());
                        }
                        pending.got.add(new Extent(extent.address(), extent.size(), index));
                    }
                } finally {
                    armLargeRelease();
                }
            }
        }
        return pending.missing() == 0;
    }

    private void onStock(Stock request) {
        if (!stockFromWhatIsFree(request)) {
            // Nothing free: answered after the waiting callers, once a slab is in.
            pendingStock.add(request);
            growIfIdle();
        }
    }

    /* After a slab request ended and the waiting callers were served: stock from what is left. */
    private void servePendingStock() {
        if (growing || pendingStock.isEmpty()) {
            return;
        }
        List<Stock> waiting = new ArrayList<>(pendingStock);
        pendingStock.clear();
        for (Stock request : waiting) {
            if (!stockFromWhatIsFree(request)) {
                request.replyTo().tell(new Allocated(List.of()));
            }
        }
    }

    /**
     * Regions of the small class serving {@code size} added to {@code got} until it holds {@code count},
     * cleared when asked; stops early when the class needs a bin slab and the shard has no free pages
     * for one (a slab from eden is the caller's to ask for).
     */
    private void allocSmallNoGrow(long size, int count, boolean zeroed, List<Extent> got) {
        long usable = SmallSizeClasses.usableSize(size);
        try {
            while (got.size() < count) {
                long address = small.alloc(size);
                if (zeroed) {
                    handles.clear(address, usable);
                }
                got.add(new Extent(address, usable, index));
            }
        } catch (SlabNeededException e) {
            // what the shard has is spent: the caller decides whether to grow
        }
    }

    /*
     * Answers a stock request (small classes or whole pages) from what the shard has free, never
     * growing; false when nothing is free.
     */
    private boolean stockFromWhatIsFree(Stock request) {
        if (handles.closed() || shard.disabled()) {
            request.replyTo().tell(new AllocateFailed(new ShardDisabledException(index)));
            return true;
        }
        List<Extent> got = new ArrayList<>(Math.max(0, Math.min(request.count(), 64)));
        SizeKind kind;
        try {
            kind = router.route(request.bytes(), 1);
            if (kind == SizeKind.SMALL) {
                allocSmallNoGrow(request.bytes(), request.count(), false, got);
            } else {
                shard.allocNoGrow(request.bytes(), request.count(), got);
            }
        } catch (AllocatorException e) {
            request.replyTo().tell(new AllocateFailed(e)); // refused before anything was taken
            return true;
        }
        if (got.isEmpty()) {
            return false;
        }
        reply(request.replyTo(), got, kind);
        return true;
    }

    private void refuse(Allocate request, AllocatorException error) {
        if (error instanceof MemoryBudgetExceededException) {
            onBudgetRefused.run();
        }
        request.replyTo().tell(new AllocateFailed(error));
    }

    private void reply(PendingAllocation pending) {
        reply(pending.request.replyTo(), pending.got, pending.kind);
    }

    /* Hands the extents out under new handles; once the allocator's scopes are closed, none can be made. */
    private void reply(ActorRef<AllocateReply> replyTo, List<Extent> extents, SizeKind kind) {
        List<Allocation> allocations = new ArrayList<>(extents.size());
        try {
            for (Extent extent : extents) {
                allocations.add(handles.issue(extent, kind));
            }
        } catch (IllegalStateException closed) {
            giveBack(extents, kind);
            replyTo.tell(new AllocateFailed(new ShardDisabledException(index)));
            return;
        }
        replyTo.tell(new Allocated(allocations));
    }

    /* Claims every handle, frees the extents in core, then retires the handles: all or nothing. */
    private void onFree(Free request) {
        List<Allocation> allocations = request.allocations();
        AllocatorException refusal = shard.destroyed()
                ? new ShardDisabledException(index)
                : allocations.isEmpty() || allocations.size() > Shard.MAX_BATCH
                        ? new InvalidCountException(allocations.size(), Shard.MAX_BATCH)
                        : handles.claim(allocations, index);
        if (refusal != null) {
            request.replyTo().tell(new FreeFailed(refusal));
            return;
        }
        if (handles.checked()) {
            freeLeavingQuarantine(handles.release(allocations)); // poisoned and quarantined first
        } else {
            try {
                freeInCore(allocations);
            } catch (AllocatorException e) {
                handles.unclaim(allocations);
                request.replyTo().tell(new FreeFailed(e));
                return;
            }
            handles.release(allocations);
        }
        request.replyTo().tell(new Freed(allocations.size()));
    }

    private void onRelease(Release request) {
        try {
            freeInCore(request.retired());
        } catch (AllocatorException e) {
            request.replyTo().tell(new FreeFailed(e));
            return;
        }
        request.replyTo().tell(new Freed(request.retired().size()));
    }

    /*
     * Each allocation goes back to the layer its handle names. All or nothing: the small and large
     * ones are checked first, the pages then freed as one batch (which checks itself before it frees
     * anything), and only then the others.
     */
    private void freeInCore(List<Allocation> allocations) {
        if (allocations.size() == 1 && allocations.get(0).kind() == SizeKind.PAGES) {
            shard.free(allocations.get(0).extent());
            return;
        }
        List<Extent> pages = new ArrayList<>(allocations.size());
        boolean others = false;
        for (Allocation a : allocations) {
            switch (a.kind()) {
                case PAGES -> pages.add(a.extent());
                case SMALL -> {
                    small.validateFree(a.address(), a.size());
                    others = true;
                }
                case LARGE -> {
                    large.validateFree(a.address(), a.size());
                    others = true;
                }
            }
        }
        if (!pages.isEmpty()) {
            shard.freeBatch(pages);
        }
        if (others) {
            for (Allocation a : allocations) {
                freeOther(a.kind(), a.address(), a.size());
            }
        }
    }

    private void freeOther(SizeKind kind, long address, long size) {
        if (kind == SizeKind.SMALL) {
            small.free(address, size);
        } else if (kind == SizeKind.LARGE) {
            large.free(address, size);
            armLargeRelease();
        }
    }

    /*
     * Extents that left quarantine were live in this shard when they went in: a refusal is a bug,
     * unless the shard stopped meanwhile (it reclaimed them).
     */
    private void freeLeavingQuarantine(List<Allocation> allocations) {
        try {
            freeInCore(allocations);
        } catch (ShardDisabledException stopped) {
            LOG.debug("shard {}: stopped while {} extents sat in quarantine", index, allocations.size());
        } catch (AllocatorException e) {
            LOG.error("shard {}: extents leaving quarantine were refused", index, e);
        }
    }

    private void growIfIdle() {
        if (!growing) {
            growing = true;
            growth = SlabGrowthEvent.begin(index);
            eden.tell(new EdenActor.Extract(index, extractReplies));
        }
    }

    private void onExtractReply(ExtractReplyReceived received) {
        growing = false;
        growth.end(received.reply() instanceof EdenActor.SlabExtracted);
        switch (received.reply()) {
            case EdenActor.SlabExtracted extracted -> {
                shard.addSlab(extracted.slab());
                serveStash();
            }
            case EdenActor.ExtractFailed failed -> {
                if (failed.error() instanceof MemoryBudgetExceededException) {
                    onBudgetRefused.run();
                }
                failStash(failed.error());
            }
        }
        servePendingStock();
    }

    /* Serves waiting allocations in arrival order; the first that still does not fit grows again. */
    private void serveStash() {
        while (!stash.isEmpty()) {
            PendingAllocation pending = stash.peek();
            if (shard.disabled()) {
                failStash(new ShardDisabledException(index));
                return;
            }
            boolean complete;
            try {
                complete = fill(pending);
            } catch (AllocatorException e) {
                unstash();
                giveBack(pending);
                refuse(pending.request, e);
                continue;
            }
            if (!complete) {
                growIfIdle();
                return;
            }
            unstash();
            reply(pending);
        }
    }

    private void failStash(AllocatorException error) {
        for (PendingAllocation pending : stash) {
            giveBack(pending);
            pending.request.replyTo().tell(new AllocateFailed(error));
        }
        stash.clear();
        stashedBytes = 0;
        for (Stock request : pendingStock) {
            request.replyTo().tell(new AllocateFailed(error));
        }
        pendingStock.clear();
    }

    private void unstash() {
        stashedBytes -= requestBytes(stash.poll().request);
    }

    /* A stashed request passed the shard's size and count checks, so this cannot overflow. */
    private static long requestBytes(Allocate request) {
        return Pages.pageCeiling(request.bytes()) * request.count();
    }

    private void giveBack(List<Extent> extents) {
        if (!extents.isEmpty()) {
            shard.freeBatch(extents);
        }
    }

    private void giveBack(PendingAllocation pending) {
        giveBack(pending.got, pending.kind);
    }

    private void giveBack(List<Extent> extents, SizeKind kind) {
        if (kind == SizeKind.PAGES) {
            giveBack(extents);
            return;
        }
        for (Extent extent : extents) {
            freeOther(kind, extent.address(), extent.size());
        }
    }

    /* The large allocator's next release is due: its timer is armed unless one already is. */
    private void armLargeRelease() {
        long delay = large.nanosUntilRelease();
        if (delay != Long.MAX_VALUE && !timers.isTimerActive(LARGE_RELEASE_TIMER)) {
            timers.startSingleTimer(
                    LARGE_RELEASE_TIMER, LargeReleaseDue.INSTANCE, Duration.ofNanos(Math.max(delay, 1_000_000)));
        }
    }

    private Behavior<Command> onLargeReleaseDue() {
        large.releaseIdle();
        armLargeRelease();
        return Behaviors.same();
    }

    /* The shard's JobExecutor: called from inside core while it handles one of our messages. */
    private void dispatch(DeferredJob job) {
        pageWorkers.tell(new PageWorker.RunJob(job, jobOutcomes));
    }

    private Behavior<Command> onJobOutcome(JobOutcomeReceived received) {
        endJob(received.outcome());
        shard.continueAfterJob();
        return serving();
    }

    /* Ends the job in core, whatever the behaviour: a failure makes core back off. */
    private void endJob(PageWorker.JobOutcome outcome) {
        switch (outcome) {
            case PageWorker.JobSucceeded done -> shard.jobSucceeded(done.job());
            case PageWorker.JobFailed failed -> {
                long pauseNanos = shard.jobFailed(failed.job());
                LOG.info("shard {}: a page job failed; beginning no job for {} ms", index, pauseNanos / 1_000_000);
            }
        }
        releaseEmptySlabs();
    }

    /* hpa_shard_do_deferred_work: forced, bounded only by the jobs in flight. */
    private int runBackgroundPass() {
        return shard.maybeDoDeferredWork(true);
    }

    /* What the shard releases under memory pressure goes to eden, for the shard that was refused. */
    private void releaseEmptySlabs() {
        List<PageSlab> released = shard.releaseEmptySlabs();
        if (!released.isEmpty()) {
            eden.tell(new EdenActor.GiveBack(released));
        }
    }

    /*
     * Re-arms the background timer when the work now due is earlier than the armed deadline: with
     * deferral allowed, or during a retry back-off (whose end no alloc or free would notice). Cheap on
     * the hot path: one clock read and a compare, unless the deadline moves.
     */
    private void afterStateChange() {
        if (!shard.options().deferralAllowed() && !shard.backingOff()) {
            return;
        }
        long delay = shard.nanosUntilDeferredWork();
        if (delay == Shard.NO_DEFERRED_WORK) {
            return;
        }
        long deadline = clock.nanoTime() + delay;
        if (deadline >= deferredWorkDeadline && timers.isTimerActive(DEFERRED_WORK_TIMER)) {
            return;
        }
        deferredWorkDeadline = deadline;
        timers.startSingleTimer(DEFERRED_WORK_TIMER, DeferredWorkDue.INSTANCE, Duration.ofNanos(delay));
    }

    private Behavior<Command> onDeferredWorkDue() {
        deferredWorkDeadline = Long.MAX_VALUE;
        int begun = runBackgroundPass();
        LOG.debug("shard {}: background pass began {} jobs", index, begun);
        /*
         * If nothing could begin although work is due (its slabs are all in flight), wait for a
         * job to end or the next alloc or free rather than spin on a zero-delay timer.
         */
        if (begun > 0 || shard.nanosUntilDeferredWork() > 0) {
            afterStateChange();
        }
        return Behaviors.same();
    }

    private Behavior<Command> onGetStats(GetStats get) {
        get.replyTo()
                .tell(new ShardSnapshot(
                        shard.stats(), stash.size(), growing, shard.backingOff(), small.stats(), large.stats()));
        return Behaviors.same();
    }

    private Behavior<Command> onRunDeferredWork(RunDeferredWork run) {
        int begun = runBackgroundPass();
        large.releaseIdle();
        releaseEmptySlabs();
        run.replyTo().tell(new DeferredWorkStarted(begun));
        return serving();
    }

    private Behavior<Command> onSetDeferralAllowed(SetDeferralAllowed set) {
        shard.setDeferralAllowed(set.allowed());
        if (!set.allowed()) {
            timers.cancel(DEFERRED_WORK_TIMER);
            deferredWorkDeadline = Long.MAX_VALUE;
        }
        set.replyTo().tell(new DeferralSet(set.allowed()));
        return serving();
    }

    private Behavior<Command> onDisable(Disable disable) {
        shard.disable();
        failStash(new ShardDisabledException(index));
        disable.replyTo().tell(new Disabled(index));
        return Behaviors.same();
    }

    private Behavior<Command> onStop(Stop stop) {
        shard.disable();
        // Frees still come in while jobs end; with deferral allowed they begin no new jobs.
        shard.setDeferralAllowed(true);
        failStash(new ShardDisabledException(index));
        timers.cancelAll();
        return quiet() ? stopNow(stop.replyTo()) : stopping(stop.replyTo());
    }

    /* No OS call can still touch a slab, and no slab is on its way from eden. */
    private boolean quiet() {
        return !growing && shard.jobsInFlight() == 0;
    }

    private Behavior<Command> completeStopIfQuiet(ActorRef<ShardStopped> requester) {
        return quiet() ? stopNow(requester) : Behaviors.same();
    }

    /* Unmaps every layer, answers the stop and turns stopped. */
    private Behavior<Command> stopNow(ActorRef<ShardStopped> requester) {
        // A timer a large free armed while stopping has nothing left to release.
        timers.cancelAll();
        Shard.Reclaimed reclaimed = destroyLayers();
        // DEBUG: the allocator logs one line for all its shards.
        if (reclaimed.liveExtents() > 0) {
            LOG.debug(
                    "shard {} stopped: reclaimed {} live extents ({} bytes) in {} slabs",
                    index,
                    reclaimed.liveExtents(),
                    reclaimed.liveBytes(),
                    reclaimed.slabs());
        } else {
            LOG.debug("shard {} stopped: unmapped {} slabs", index, reclaimed.slabs());
        }
        requester.tell(new ShardStopped(index, reclaimed));
        return stopped();
    }

    /*
     * The small layer first, so that its slabs are the shard's free pages again, then the large
     * allocator's own mappings, then the shard; what was still live in any of them is reclaimed.
     */
    private Shard.Reclaimed destroyLayers() {
        long smallBytes = 0;
        for (SmallClassStats c : small.stats()) {
            smallBytes += c.curBytes();
        }
        long largeBytes = large.stats().curBytes();
        long smallLive = small.destroy();
        long largeLive = large.destroy();
        Shard.Reclaimed pages = shard.destroy();
        return new Shard.Reclaimed(
                pages.liveExtents() + smallLive + largeLive,
                pages.liveBytes() + smallBytes + largeBytes,
                pages.slabs());
    }

    /** An allocation being served, or waiting for eden, with the layer that serves it and what it got. */
    private static final class PendingAllocation {
        final Allocate request;
        final SizeKind kind;
        final List<Extent> got;

        PendingAllocation(Allocate request, SizeKind kind) {
            this.request = request;
            this.kind = kind;
            this.got = new ArrayList<>(Math.min(request.count(), 64));
        }

        int missing() {
            return request.count() - got.size();
        }
    }
}
