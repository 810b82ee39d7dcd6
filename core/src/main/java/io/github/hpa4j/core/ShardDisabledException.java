package io.github.hpa4j.core;

/** The shard was disabled or destroyed (the allocator is shutting down) and takes no requests. */
public final class ShardDisabledException extends AllocatorException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal by a shard that is shut down.
     *
     * @param shard the shard's index
     */
    public ShardDisabledException(int shard) {
        super("shard " + shard + " is shut down");
    }

    private ShardDisabledException(String message) {
        super(message);
    }

    /** {@return whether the whole allocator was stopped, so that the request reached no shard} */
    public static ShardDisabledException allocatorStopped() {
        return new ShardDisabledException("the allocator is shut down");
    }
}
