package io.github.hpa4j.actors;

import akka.actor.DeadLetter;
import akka.actor.typed.Behavior;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes back allocations nobody received. When an ask times out, or an actor client stops, the
 * shard's {@link ShardActor.Allocated} reply goes to dead letters; this actor, subscribed to them,
 * hands those allocations to the allocator to free. Dead letters are system-wide, so the allocator
 * takes only handles it issued itself: another instance's go to its own reclaimer.
 */
final class DeadLetterReclaimer extends AbstractBehavior<DeadLetterReclaimer.Command> {
    /* A logger named after this class, not the actor cell, so users can configure it by name. */
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReclaimer.class);

    sealed interface Command {}

    private record DeadLetterReceived(DeadLetter deadLetter) implements Command {}

    static Behavior<Command> create(Handles handles, Consumer<List<Allocation>> reclaim) {
        return Behaviors.setup(context -> new DeadLetterReclaimer(context, handles, reclaim));
    }

    private final Handles handles;
    private final Consumer<List<Allocation>> reclaim;

    private DeadLetterReclaimer(ActorContext<Command> context, Handles handles, Consumer<List<Allocation>> reclaim) {
        super(context);
        this.handles = handles;
        this.reclaim = reclaim;
        context.getSystem()
                .eventStream()
                .tell(new EventStream.Subscribe<>(
                        DeadLetter.class, context.messageAdapter(DeadLetter.class, DeadLetterReceived::new)));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(DeadLetterReceived.class, this::onDeadLetter)
                .build();
    }

    private Behavior<Command> onDeadLetter(DeadLetterReceived received) {
        if (received.deadLetter().message() instanceof ShardActor.Allocated allocated
                && !allocated.allocations().isEmpty()
                && allocated.allocations().get(0).issuer() == handles) {
            LOG.debug(
                    "reclaiming {} allocations nobody received",
                    allocated.allocations().size());
            reclaim.accept(allocated.allocations());
        }
        return this;
    }
}
