package io.github.hpa4j.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.github.hpa4j.core.DeferredJob;
import io.github.hpa4j.core.PageHooks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the slow OS calls of purge and hugify jobs (madvise), outside the shard actors, on the
 * blocking dispatcher: hpa.c's "unlock; hooks; relock", with the relock being the reply. Stateless;
 * every job gets exactly one reply, whatever happens, so no slab stays mid_purge or mid_hugify.
 */
final class PageWorker extends AbstractBehavior<PageWorker.Command> {
    /* A logger named after this class, not the actor cell, so users can configure it by name. */
    private static final Logger LOG = LoggerFactory.getLogger(PageWorker.class);

    /** What a page worker is asked to do. */
    public sealed interface Command {}

    /**
     * Run {@code job}'s OS calls and tell {@code replyTo} how it went.
     *
     * @param job     a job a shard began
     * @param replyTo the shard, told how it went
     */
    public record RunJob(DeferredJob job, ActorRef<JobOutcome> replyTo) implements Command {}

    /** How a job's OS calls went. */
    public sealed interface JobOutcome {
        /** {@return the job that ran} */
        DeferredJob job();
    }

    /**
     * Every OS call succeeded.
     *
     * @param job the job that ran
     */
    public record JobSucceeded(DeferredJob job) implements JobOutcome {}

    /**
     * An OS call failed; the calls after it were not made.
     *
     * @param job   the job that ran
     * @param error the failure
     */
    public record JobFailed(DeferredJob job, RuntimeException error) implements JobOutcome {}

    /**
     * {@return the behaviour of a worker that makes its jobs' calls through {@code hooks}}
     *
     * @param hooks the OS calls
     */
    public static Behavior<Command> create(PageHooks hooks) {
        return Behaviors.setup(context -> new PageWorker(context, hooks));
    }

    private final PageHooks hooks;

    private PageWorker(ActorContext<Command> context, PageHooks hooks) {
        super(context);
        this.hooks = hooks;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder().onMessage(RunJob.class, this::onRunJob).build();
    }

    private Behavior<Command> onRunJob(RunJob run) {
        JobOutcome outcome;
        try {
            // Each OS call of the job is recorded (JFR) with its duration and bytes.
            run.job().run(new RecordedJobHooks(hooks, run.job().shard()));
            outcome = new JobSucceeded(run.job());
        } catch (RuntimeException e) {
            // Any failure, even a bug, aborts the job in the shard rather than stranding the slab.
            // DEBUG: the shard logs the back-off this starts, once, not every failed call.
            LOG.debug("{} failed: {}", run.job(), e.toString());
            outcome = new JobFailed(run.job(), e);
        }
        run.replyTo().tell(outcome);
        return this;
    }
}
