package io.github.hpa4j.it.bench.jmh;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;

/**
 * The actor-to-actor floor: two ping-pong round trips per operation, through a message adapter,
 * exactly the message pattern of {@link ShardClient}'s Allocate/Allocated + Free/Freed, with no
 * allocator behind it.
 */
final class PingPongClient extends AbstractBehavior<PingPongClient.Command> {
    sealed interface Command {}

    record Start(RoundTrips request) implements Command {}

    private record PongReceived(EchoActor.Pong pong) implements Command {}

    static Behavior<Command> create(ActorRef<EchoActor.Ping> echo) {
        return Behaviors.setup(context -> new PingPongClient(context, echo));
    }

    private final ActorRef<EchoActor.Ping> echo;
    private final ActorRef<EchoActor.Pong> pongs;
    private RoundTrips request;
    private int roundsLeft;
    private boolean secondLeg;
    private long startNanos;

    private PingPongClient(ActorContext<Command> context, ActorRef<EchoActor.Ping> echo) {
        super(context);
        this.echo = echo;
        this.pongs = context.messageAdapter(EchoActor.Pong.class, PongReceived::new);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Start.class, this::onStart)
                .onMessage(PongReceived.class, this::onPong)
                .build();
    }

    private Behavior<Command> onStart(Start start) {
        request = start.request();
        roundsLeft = request.rounds();
        ping();
        return this;
    }

    private void ping() {
        startNanos = System.nanoTime();
        secondLeg = false;
        echo.tell(new EchoActor.Ping(pongs));
    }

    private Behavior<Command> onPong(PongReceived received) {
        if (!secondLeg) {
            secondLeg = true;
            echo.tell(new EchoActor.Ping(pongs));
            return this;
        }
        if (request.latencies() != null) {
            request.latencies().recordValue(System.nanoTime() - startNanos);
        }
        if (--roundsLeft > 0) {
            ping();
        } else {
            request.done().complete(null);
        }
        return this;
    }
}
