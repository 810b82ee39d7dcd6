package io.github.hpa4j.actors;

import io.github.hpa4j.core.AllocatorException;

/**
 * The shard is growing and the allocations already waiting for it ask for as many bytes as its
 * stash takes ({@code hpa4j.stash-bytes}). Nothing was allocated; retry later or spread load over
 * shards.
 */
public final class ShardOverloadedException extends AllocatorException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal by a shard whose stash is full.
     *
     * @param shard        the shard's index
     * @param waitingBytes bytes of requests waiting for eden
     * @param stashBytes   the most it holds ({@code hpa4j.stash-bytes})
     */
    public ShardOverloadedException(int shard, long waitingBytes, long stashBytes) {
        super("shard " + shard + " is overloaded: allocations of " + waitingBytes + " bytes already wait for it to grow"
                + " (hpa4j.stash-bytes = " + stashBytes + ")");
    }
}
