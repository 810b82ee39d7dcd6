package io.github.hpa4j.it;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.ShardActor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * An actor client speaking the {@link ShardActor} protocol to one shard: {@code Allocate} and
 * {@code Free} with {@code replyTo}, pipelined so that up to {@code depth} requests are in flight.
 * Like {@link FacadeClient}, it claims and fills every allocation on arrival and verifies it just
 * before the free. It completes {@code done} with its result when its workload is done (or
 * {@code stop} says so) and nothing is in flight, or exceptionally with the first problem.
 */
final class ProtocolClient extends AbstractBehavior<ProtocolClient.Command> {

    sealed interface Command {}

    private record AllocateAnswered(long bytes, int count, ShardActor.AllocateReply reply, Throwable failure)
            implements Command {}

    private record FreeAnswered(List<PatternLedger.Tracked> freed, ShardActor.FreeReply reply, Throwable failure)
            implements Command {}

    /** Replies the test waits for far longer than any healthy shard needs. */
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);

    static Behavior<Command> create(
            String name,
            Hpa4j hpa4j,
            ActorRef<ShardActor.Command> shard,
            PatternLedger ledger,
            Workload workload,
            long seed,
            int depth,
            ClientObserver observer,
            BooleanSupplier stop,
            CompletableFuture<ClientResult> done) {
        return Behaviors.setup(context -> {
            ProtocolClient client = new ProtocolClient(
                    context, name, hpa4j, shard, ledger, workload, seed, depth, observer, stop, done);
            client.fillPipeline();
            return client.finishIfDone();
        });
    }

    private final String name;
    private final Hpa4j hpa4j;
    private final ActorRef<ShardActor.Command> shard;
    private final PatternLedger ledger;
    private final Workload.Plan plan;
    private final int depth;
    private final ClientObserver observer;
    private final BooleanSupplier stop;
    private final CompletableFuture<ClientResult> done;
    private final List<PatternLedger.Tracked> live = new ArrayList<>();
    private int inFlight;
    private int extentsOnTheirWay;
    private long calls;
    private long tolerated;

    private ProtocolClient(
            ActorContext<Command> context,
            String name,
            Hpa4j hpa4j,
            ActorRef<ShardActor.Command> shard,
            PatternLedger ledger,
            Workload workload,
            long seed,
            int depth,
            ClientObserver observer,
            BooleanSupplier stop,
            CompletableFuture<ClientResult> done) {
        super(context);
        this.name = name;
        this.hpa4j = hpa4j;
        this.shard = shard;
        this.ledger = ledger;
        this.plan = new Workload.Plan(workload, seed);
        this.depth = depth;
        this.observer = observer;
        this.stop = stop;
        this.done = done;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(AllocateAnswered.class, this::onAllocateAnswered)
                .onMessage(FreeAnswered.class, this::onFreeAnswered)
                .build();
    }

    private Behavior<Command> onAllocateAnswered(AllocateAnswered answer) {
        inFlight--;
        extentsOnTheirWay -= answer.count;
        try {
            if (answer.failure != null) {
                throw new AssertionError(
                        "no reply to Allocate(" + answer.bytes + " x " + answer.count + ")", answer.failure);
            }
            switch (answer.reply) {
                case ShardActor.Allocated allocated -> {
                    FacadeClient.checkAllocations(name, hpa4j, allocated.allocations(), answer.bytes, answer.count);
                    for (Allocation allocation : allocated.allocations()) {
                        live.add(ledger.claim(allocation));
                    }
                    plan.operations += answer.count;
                }
                case ShardActor.AllocateFailed failed -> {
                    if (!observer.allocateFailed(failed.error(), answer.bytes, answer.count)) {
                        throw new AssertionError(
                                "Allocate(" + answer.bytes + " x " + answer.count + ") refused: " + failed.error(),
                                failed.error());
                    }
                    tolerated++;
                }
            }
            fillPipeline();
        } catch (Throwable t) {
            return fail(t);
        }
        return finishIfDone();
    }

    private Behavior<Command> onFreeAnswered(FreeAnswered answer) {
        inFlight--;
        try {
            if (answer.failure != null) {
                throw new AssertionError("no reply to Free(" + answer.freed + ")", answer.failure);
            }
            switch (answer.reply) {
                case ShardActor.Freed freed -> {
                    if (freed.count() != answer.freed.size()) {
                        throw new AssertionError(
                                "freed " + answer.freed.size() + " but the shard says " + freed.count());
                    }
                }
                case ShardActor.FreeFailed failed -> {
                    if (!observer.freeFailed(failed.error(), answer.freed)) {
                        throw new AssertionError(
                                "Free(" + answer.freed + ") refused: " + failed.error(), failed.error());
                    }
                    tolerated++;
                }
            }
            plan.operations += answer.freed.size();
            fillPipeline();
        } catch (Throwable t) {
            return fail(t);
        }
        return finishIfDone();
    }

    private void fillPipeline() {
        while (inFlight < depth && !stop.getAsBoolean()) {
            Workload.Plan.Step step = plan.next(live.size() + extentsOnTheirWay);
            if (step == Workload.Plan.Step.STOP || (step == Workload.Plan.Step.FREE && live.isEmpty())) {
                return;
            }
            if (step == Workload.Plan.Step.ALLOCATE) {
                sendAllocate();
            } else {
                sendFree();
            }
        }
    }

    private void sendAllocate() {
        long bytes = plan.requestBytes();
        int count = plan.single() ? 1 : plan.batchCount();
        inFlight++;
        extentsOnTheirWay += count;
        calls++;
        getContext()
                .ask(
                        ShardActor.AllocateReply.class,
                        shard,
                        REPLY_TIMEOUT,
                        replyTo -> new ShardActor.Allocate(bytes, count, replyTo),
                        (reply, failure) -> new AllocateAnswered(bytes, count, reply, failure));
    }

    private void sendFree() {
        int count = plan.single() ? 1 : Math.min(plan.batchCount(), live.size());
        List<PatternLedger.Tracked> freed = new ArrayList<>(count);
        List<Allocation> allocations = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            PatternLedger.Tracked tracked = FacadeClient.removeRandom(live, plan.pick(live.size()));
            ledger.release(tracked);
            freed.add(tracked);
            allocations.add(tracked.allocation());
        }
        inFlight++;
        calls++;
        getContext()
                .ask(
                        ShardActor.FreeReply.class,
                        shard,
                        REPLY_TIMEOUT,
                        replyTo -> new ShardActor.Free(allocations, replyTo),
                        (reply, failure) -> new FreeAnswered(freed, reply, failure));
    }

    private Behavior<Command> finishIfDone() {
        if (inFlight > 0) {
            return this;
        }
        if (!stop.getAsBoolean() && plan.next(live.size()) != Workload.Plan.Step.STOP) {
            return this;
        }
        done.complete(new ClientResult(name, plan.operations, calls, tolerated, List.copyOf(live)));
        return Behaviors.stopped();
    }

    private Behavior<Command> fail(Throwable t) {
        done.completeExceptionally(
                new AssertionError(name + " failed after " + plan.operations + " operations: " + t.getMessage(), t));
        return Behaviors.stopped();
    }
}
