package io.github.hpa4j.actors;

import akka.actor.DeadLetter;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes back allocations nobody received. When an ask times out, or an actor client stops, the
 * shard's {@link ShardActor.Allocated} reply goes to dead letters; this actor, subscribed to them,
 * frees those allocations to their shards so no page is lost. Dead letters are system-wide, so it
 * takes only allocations from its own allocator's regions: another instance's go to its own
 * reclaimer.
 */
final class DeadLetterReclaimer extends AbstractBehavior<DeadLetterReclaimer.Command> {

    sealed interface Command {
    }

    private record DeadLetterReceived(DeadLetter deadLetter) implements Command {
    }

    private record FreeOutcome(ShardActor.FreeReply reply) implements Command {
    }

    static Behavior<Command> create(List<ActorRef<ShardActor.Command>> shards, MappedRegions regions,
                                    AtomicLong reclaimed) {
        return Behaviors.setup(context -> new DeadLetterReclaimer(context, shards, regions, reclaimed));
    }

    private final List<ActorRef<ShardActor.Command>> shards;
    private final MappedRegions regions;
    private final AtomicLong reclaimed;
    private final ActorRef<ShardActor.FreeReply> freeReplies;

    private DeadLetterReclaimer(ActorContext<Command> context, List<ActorRef<ShardActor.Command>> shards,
                                MappedRegions regions, AtomicLong reclaimed) {
        super(context);
        this.shards = shards;
        this.regions = regions;
        this.reclaimed = reclaimed;
        this.freeReplies = context.messageAdapter(ShardActor.FreeReply.class, FreeOutcome::new);
        ActorRef<DeadLetter> deadLetters = context.messageAdapter(DeadLetter.class, DeadLetterReceived::new);
        context.getSystem().eventStream().tell(new EventStream.Subscribe<>(DeadLetter.class, deadLetters));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(DeadLetterReceived.class, this::onDeadLetter)
                .onMessage(FreeOutcome.class, this::onFreeOutcome)
                .build();
    }

    private Behavior<Command> onDeadLetter(DeadLetterReceived received) {
        if (received.deadLetter().message() instanceof ShardActor.Allocated allocated) {
            Map<Integer, List<Allocation>> byShard = new HashMap<>();
            for (Allocation allocation : allocated.allocations()) {
                if (allocation.shard() < shards.size() && regions.contains(allocation.address())) {
                    byShard.computeIfAbsent(allocation.shard(), s -> new ArrayList<>()).add(allocation);
                }
            }
            if (byShard.isEmpty()) {
                return this;
            }
            byShard.forEach((shard, allocations) ->
                    shards.get(shard).tell(new ShardActor.Free(allocations, freeReplies)));
            getContext().getLog().debug("reclaiming {} allocations nobody received", allocated.allocations().size());
        }
        return this;
    }

    private Behavior<Command> onFreeOutcome(FreeOutcome outcome) {
        switch (outcome.reply()) {
            case ShardActor.Freed freed -> reclaimed.addAndGet(freed.count());
            case ShardActor.FreeFailed failed ->
                    getContext().getLog().warn("could not reclaim an undelivered allocation: {}", failed.error().getMessage());
        }
        return this;
    }
}
