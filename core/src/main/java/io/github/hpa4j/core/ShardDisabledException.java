package io.github.hpa4j.core;

/** The shard was disabled or destroyed (the allocator is shutting down) and takes no requests. */
public final class ShardDisabledException extends AllocatorException {
    public ShardDisabledException(int shard) {
        super("shard " + shard + " is shut down");
    }
}
