package io.github.hpa4j.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.github.hpa4j.core.AllocatorException;
import io.github.hpa4j.core.Eden;
import io.github.hpa4j.core.EdenExhaustedException;
import io.github.hpa4j.core.PageSlab;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns core's {@link Eden}: its mailbox is hpa.c's {@code central->grow_mtx}. Shards ask it for
 * slabs one at a time while they go on serving frees and allocations that fit. Runs on the blocking
 * dispatcher, since growing may mmap.
 */
final class EdenActor extends AbstractBehavior<EdenActor.Command> {
    /* A logger named after this class, not the actor cell, so users can configure it by name. */
    private static final Logger LOG = LoggerFactory.getLogger(EdenActor.class);

    /** What eden is asked to do. */
    public sealed interface Command {}

    /**
     * A shard needs a fresh slab.
     *
     * @param shard   the shard's index
     * @param replyTo gets the slab or the failure
     */
    public record Extract(int shard, ActorRef<ExtractReply> replyTo) implements Command {}

    /* Empty, purged slabs a shard released under memory pressure, for the next shard that grows. */
    record GiveBack(List<PageSlab> slabs) implements Command {}

    /**
     * Shutdown: unmap what is left of eden, after every shard unmapped its slabs.
     *
     * @param replyTo told once eden is unmapped
     */
    public record Release(ActorRef<Released> replyTo) implements Command {}

    /** The answer to {@link Extract}. */
    public sealed interface ExtractReply {}

    /**
     * A slab for the shard.
     *
     * @param slab empty, for the shard to add
     */
    public record SlabExtracted(PageSlab slab) implements ExtractReply {}

    /**
     * Eden has no slab for the shard: the request failed.
     *
     * @param error {@link EdenExhaustedException} when the OS refused,
     *              {@link io.github.hpa4j.core.MemoryBudgetExceededException} at the budget's bound on address
     *              space, else an {@link AllocatorFailureException}
     */
    public record ExtractFailed(AllocatorException error) implements ExtractReply {}

    /**
     * Eden is unmapped.
     *
     * @param remainingBytesUnmapped bytes of eden that no slab had taken
     */
    public record Released(long remainingBytesUnmapped) {}

    /**
     * {@return the behaviour of the actor that owns {@code eden}}
     *
     * @param eden the slabs' source, touched by this actor only
     */
    public static Behavior<Command> create(Eden eden) {
        return Behaviors.setup(context -> new EdenActor(context, eden));
    }

    private final Eden eden;
    private boolean failing;

    private EdenActor(ActorContext<Command> context, Eden eden) {
        super(context);
        this.eden = eden;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Extract.class, this::onExtract)
                .onMessage(GiveBack.class, this::onGiveBack)
                .onMessage(Release.class, this::onRelease)
                .build();
    }

    private Behavior<Command> onExtract(Extract extract) {
        long mappingsBefore = eden.mappings();
        long mappedBefore = eden.mappedBytes();
        EdenMapEvent mapEvent = new EdenMapEvent();
        mapEvent.begin();
        ExtractReply reply;
        try {
            reply = new SlabExtracted(eden.extract());
            if (failing) {
                failing = false;
                LOG.info("eden maps again");
            }
        } catch (AllocatorException e) { // the OS refused, or the budget's bound on address space
            // Once per streak: under a lasting failure every shard keeps asking.
            if (!failing) {
                failing = true;
                LOG.warn("eden could not grow for shard {}: {}", extract.shard(), e.getMessage());
            }
            reply = new ExtractFailed(e);
        } catch (RuntimeException e) {
            // Whatever threw, the shard waiting for this reply must get one, or it stays growing.
            if (!failing) {
                failing = true;
                LOG.error("eden failed unexpectedly for shard {}", extract.shard(), e);
            }
            reply = new ExtractFailed(new AllocatorFailureException("eden could not provide a slab", e));
        }
        if (eden.mappings() != mappingsBefore) {
            LOG.debug("eden mapped {} bytes ({} in all)", eden.remainingBytes(), eden.mappedBytes());
            mapEvent.shard = extract.shard();
            mapEvent.bytes = eden.mappedBytes() - mappedBefore;
            mapEvent.totalBytes = eden.mappedBytes();
            mapEvent.commit();
        }
        extract.replyTo().tell(reply);
        return this;
    }

    private Behavior<Command> onGiveBack(GiveBack giveBack) {
        for (PageSlab slab : giveBack.slabs()) {
            eden.giveBack(slab);
        }
        return this;
    }

    private Behavior<Command> onRelease(Release release) {
        long remaining = eden.remainingBytes();
        eden.destroy();
        release.replyTo().tell(new Released(remaining));
        return this;
    }
}
