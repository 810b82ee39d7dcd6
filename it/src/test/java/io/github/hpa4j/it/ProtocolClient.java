package io.github.hpa4j.it;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.github.hpa4j.actors.ShardActor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * An actor client speaking the {@link ShardActor} protocol to one shard: {@code Allocate} and
 * {@code Free} with {@code replyTo}, pipelined so that up to {@code depth} requests are in flight.
 * Like {@link FacadeClient}, it keeps its {@link ClientBook}: every allocation claimed and filled on
 * arrival and verified just before the free. It completes {@code done} with its result when its workload is done (or
 * {@code stop} says so) and nothing is in flight, or exceptionally with the first problem.
 */
final class ProtocolClient extends AbstractBehavior<ProtocolClient.Command> {

    sealed interface Command {}

    private record AllocateAnswered(ClientBook.Allocate call, ShardActor.AllocateReply reply, Throwable failure)
            implements Command {}

    private record FreeAnswered(ClientBook.Free call, ShardActor.FreeReply reply, Throwable failure)
            implements Command {}

    /** Replies the test waits for far longer than any healthy shard needs. */
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);

    static Behavior<Command> create(
            ClientBook book,
            ActorRef<ShardActor.Command> shard,
            int depth,
            BooleanSupplier stop,
            CompletableFuture<ClientResult> done) {
        return Behaviors.setup(context -> {
            ProtocolClient client = new ProtocolClient(context, book, shard, depth, stop, done);
            client.fillPipeline();
            return client.finishIfDone();
        });
    }

    private final ClientBook book;
    private final ActorRef<ShardActor.Command> shard;
    private final int depth;
    private final BooleanSupplier stop;
    private final CompletableFuture<ClientResult> done;
    private int inFlight;
    private int extentsOnTheirWay;

    private ProtocolClient(
            ActorContext<Command> context,
            ClientBook book,
            ActorRef<ShardActor.Command> shard,
            int depth,
            BooleanSupplier stop,
            CompletableFuture<ClientResult> done) {
        super(context);
        this.book = book;
        this.shard = shard;
        this.depth = depth;
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
        ClientBook.Allocate call = answer.call;
        inFlight--;
        extentsOnTheirWay -= call.count();
        try {
            if (answer.failure != null) {
                throw new AssertionError(
                        "no reply to Allocate(" + call.bytes() + " x " + call.count() + ")", answer.failure);
            }
            switch (answer.reply) {
                case ShardActor.Allocated allocated -> book.allocated(call, allocated.allocations());
                case ShardActor.AllocateFailed failed -> {
                    if (!book.tolerates(call, failed.error())) {
                        throw new AssertionError(
                                "Allocate(" + call.bytes() + " x " + call.count() + ") refused: " + failed.error(),
                                failed.error());
                    }
                }
            }
            fillPipeline();
        } catch (Throwable t) {
            return fail(t);
        }
        return finishIfDone();
    }

    private Behavior<Command> onFreeAnswered(FreeAnswered answer) {
        List<PatternLedger.Tracked> sent = answer.call.freed();
        inFlight--;
        try {
            if (answer.failure != null) {
                throw new AssertionError("no reply to Free(" + sent + ")", answer.failure);
            }
            switch (answer.reply) {
                case ShardActor.Freed freed -> {
                    if (freed.count() != sent.size()) {
                        throw new AssertionError("freed " + sent.size() + " but the shard says " + freed.count());
                    }
                }
                case ShardActor.FreeFailed failed -> {
                    if (!book.tolerates(answer.call, failed.error())) {
                        throw new AssertionError("Free(" + sent + ") refused: " + failed.error(), failed.error());
                    }
                }
            }
            book.answered(answer.call);
            fillPipeline();
        } catch (Throwable t) {
            return fail(t);
        }
        return finishIfDone();
    }

    private void fillPipeline() {
        while (inFlight < depth && !stop.getAsBoolean()) {
            Workload.Plan.Step step = book.next(extentsOnTheirWay);
            if (step == Workload.Plan.Step.STOP || (step == Workload.Plan.Step.FREE && book.holdsNothing())) {
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
        ClientBook.Allocate call = book.allocate();
        inFlight++;
        extentsOnTheirWay += call.count();
        getContext()
                .ask(
                        ShardActor.AllocateReply.class,
                        shard,
                        REPLY_TIMEOUT,
                        replyTo -> new ShardActor.Allocate(call.bytes(), call.count(), replyTo),
                        (reply, failure) -> new AllocateAnswered(call, reply, failure));
    }

    private void sendFree() {
        ClientBook.Free call = book.free();
        inFlight++;
        getContext()
                .ask(
                        ShardActor.FreeReply.class,
                        shard,
                        REPLY_TIMEOUT,
                        replyTo -> new ShardActor.Free(call.allocations(), replyTo),
                        (reply, failure) -> new FreeAnswered(call, reply, failure));
    }

    private Behavior<Command> finishIfDone() {
        if (inFlight > 0) {
            return this;
        }
        if (!stop.getAsBoolean() && book.next(0) != Workload.Plan.Step.STOP) {
            return this;
        }
        done.complete(book.result());
        return Behaviors.stopped();
    }

    private Behavior<Command> fail(Throwable t) {
        done.completeExceptionally(book.failure(t));
        return Behaviors.stopped();
    }
}
