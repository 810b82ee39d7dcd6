package io.github.hpa4j.actors;

import io.github.hpa4j.core.AllocatorException;

/**
 * The shard is growing and already holds as many waiting allocations as its stash takes
 * ({@code hpa4j.stash-capacity}). Nothing was allocated; retry later or spread load over shards.
 */
public final class ShardOverloadedException extends AllocatorException {
    public ShardOverloadedException(int shard, int capacity) {
        super("shard " + shard + " is overloaded: " + capacity + " allocations already wait for it to grow");
    }
}
