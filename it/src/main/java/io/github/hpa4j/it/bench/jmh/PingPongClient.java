package io.github.hpa4j.it.bench.jmh;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.ReceiveBuilder;

/**
 * The actor-to-actor floor: two ping-pong round trips per operation, through a message adapter,
 * exactly the message pattern of {@link ShardClient}'s Allocate/Allocated + Free/Freed, with no
 * allocator behind it.
 */
final class PingPongClient extends RoundTripClient {
    private record PongReceived(EchoActor.Pong pong) implements Command {}

    static Behavior<Command> create(ActorRef<EchoActor.Ping> echo) {
        return Behaviors.setup(context -> new PingPongClient(context, echo));
    }

    private final ActorRef<EchoActor.Ping> echo;
    private final ActorRef<EchoActor.Pong> pongs;
    private boolean secondLeg;

    private PingPongClient(ActorContext<Command> context, ActorRef<EchoActor.Ping> echo) {
        super(context);
        this.echo = echo;
        this.pongs = context.messageAdapter(EchoActor.Pong.class, PongReceived::new);
    }

    @Override
    ReceiveBuilder<Command> onReplies(ReceiveBuilder<Command> builder) {
        return builder.onMessage(PongReceived.class, this::onPong);
    }

    @Override
    void startRound(RoundTrips request) {
        secondLeg = false;
        echo.tell(new EchoActor.Ping(pongs));
    }

    private Behavior<Command> onPong(PongReceived received) {
        if (secondLeg) {
            roundDone();
        } else {
            secondLeg = true;
            echo.tell(new EchoActor.Ping(pongs));
        }
        return this;
    }
}
