package io.github.hpa4j.it.bench.jmh;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.ReceiveBuilder;
import io.github.hpa4j.actors.ShardActor;

/**
 * An actor that uses hpa4j the way actors should: the shard protocol with {@code replyTo} (message
 * adapters), no ask, no future per operation. One operation is Allocate then Free of what came back.
 */
final class ShardClient extends RoundTripClient {
    private record AllocateReplyReceived(ShardActor.AllocateReply reply) implements Command {}

    private record FreeReplyReceived(ShardActor.FreeReply reply) implements Command {}

    static Behavior<Command> create(ActorRef<ShardActor.Command> shard) {
        return Behaviors.setup(context -> new ShardClient(context, shard));
    }

    private final ActorRef<ShardActor.Command> shard;
    private final ActorRef<ShardActor.AllocateReply> allocateReplies;
    private final ActorRef<ShardActor.FreeReply> freeReplies;

    private ShardClient(ActorContext<Command> context, ActorRef<ShardActor.Command> shard) {
        super(context);
        this.shard = shard;
        this.allocateReplies = context.messageAdapter(ShardActor.AllocateReply.class, AllocateReplyReceived::new);
        this.freeReplies = context.messageAdapter(ShardActor.FreeReply.class, FreeReplyReceived::new);
    }

    @Override
    ReceiveBuilder<Command> onReplies(ReceiveBuilder<Command> builder) {
        return builder.onMessage(AllocateReplyReceived.class, this::onAllocateReply)
                .onMessage(FreeReplyReceived.class, this::onFreeReply);
    }

    @Override
    void startRound(RoundTrips request) {
        shard.tell(new ShardActor.Allocate(request.bytes(), request.count(), allocateReplies));
    }

    private Behavior<Command> onAllocateReply(AllocateReplyReceived received) {
        switch (received.reply()) {
            case ShardActor.Allocated allocated ->
                shard.tell(new ShardActor.Free(allocated.allocations(), freeReplies));
            case ShardActor.AllocateFailed failed -> roundFailed(failed.error());
        }
        return this;
    }

    private Behavior<Command> onFreeReply(FreeReplyReceived received) {
        switch (received.reply()) {
            case ShardActor.Freed _ -> roundDone();
            case ShardActor.FreeFailed failed -> roundFailed(failed.error());
        }
        return this;
    }
}
