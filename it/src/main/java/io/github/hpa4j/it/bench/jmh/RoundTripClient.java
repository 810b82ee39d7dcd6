package io.github.hpa4j.it.bench.jmh;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.ReceiveBuilder;

/**
 * An actor that serves {@link RoundTrips} requests one round after another: a subclass sends the
 * round's first message and calls {@link #roundDone()} when the round's last reply arrives. Timing
 * the rounds and answering the request stay here, so the benchmarks built on it measure one loop
 * and differ only in the messages of a round.
 */
abstract class RoundTripClient extends AbstractBehavior<RoundTripClient.Command> {
    /** What the client receives: {@link Start}, and the replies its rounds wait for. */
    interface Command {}

    /** Runs the rounds of {@code request}; the next request comes once it is done. */
    record Start(RoundTrips request) implements Command {}

    private RoundTrips request;
    private int roundsLeft;
    private long startNanos;

    RoundTripClient(ActorContext<Command> context) {
        super(context);
    }

    @Override
    public final Receive<Command> createReceive() {
        return onReplies(newReceiveBuilder().onMessage(Start.class, this::onStart))
                .build();
    }

    /** Adds the handlers of the replies a round waits for to {@code builder}. */
    abstract ReceiveBuilder<Command> onReplies(ReceiveBuilder<Command> builder);

    /** Sends the first message of a round of {@code request}. */
    abstract void startRound(RoundTrips request);

    /** The round's last reply arrived: records its latency, then starts the next or answers the request. */
    final void roundDone() {
        if (request.latencies() != null) {
            request.latencies().recordValue(System.nanoTime() - startNanos);
        }
        if (--roundsLeft > 0) {
            nextRound();
        } else {
            request.done().complete(null);
        }
    }

    /** The round failed: the request is answered with {@code error} and no more rounds run. */
    final void roundFailed(Throwable error) {
        request.done().completeExceptionally(error);
    }

    private Behavior<Command> onStart(Start start) {
        request = start.request();
        roundsLeft = request.rounds();
        nextRound();
        return this;
    }

    private void nextRound() {
        startNanos = System.nanoTime();
        startRound(request);
    }
}
