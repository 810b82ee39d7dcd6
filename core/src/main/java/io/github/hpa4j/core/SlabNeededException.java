package io.github.hpa4j.core;

/**
 * A shard that may not grow where it was asked (the shard actor, which gets slabs from the eden
 * actor by message) has no slab with room. Nothing was allocated: the owner obtains a slab, hands it
 * to {@link Shard#addSlab}, and retries the request.
 */
public final class SlabNeededException extends AllocatorException {
    private static final long serialVersionUID = 1L;

    private final int shard;

    /**
     * The refusal of a request that needs a new slab.
     *
     * @param shard the shard's index
     */
    public SlabNeededException(int shard) {
        super("shard " + shard + " needs a new slab to serve the request");
        this.shard = shard;
    }

    /** {@return the shard that needs the slab} */
    public int shard() {
        return shard;
    }
}
