package io.github.hpa4j.core;

/**
 * Runs the jobs a shard begins somewhere else. The actors send them to the page worker, whose reply
 * ends them in the shard actor with {@link Shard#finish} or {@link Shard#abort}. A shard built
 * without an executor runs them inline instead (hpa.c's synchronous path).
 */
@FunctionalInterface
public interface JobExecutor {
    /**
     * Sends {@code job} to run; the shard learns how it went through {@link Shard#finish} or {@link Shard#abort}.
     *
     * @param job a job the shard began
     */
    void execute(DeferredJob job);
}
