package io.github.hpa4j.it.bench.jmh;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;

/** Answers every ping at once: the cheapest possible "server", the floor under a shard actor. */
final class EchoActor {
    record Ping(ActorRef<Pong> replyTo) {}

    enum Pong {
        INSTANCE
    }

    private EchoActor() {}

    static Behavior<Ping> create() {
        return Behaviors.receiveMessage(ping -> {
            ping.replyTo().tell(Pong.INSTANCE);
            return Behaviors.same();
        });
    }
}
