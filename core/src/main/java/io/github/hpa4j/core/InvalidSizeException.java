package io.github.hpa4j.core;

/** An allocation size that is not positive, or larger than the shard serves (slab_max_alloc). */
public final class InvalidSizeException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    private final long requested;
    private final long max;

    public InvalidSizeException(long requested, long max) {
        super(requested <= 0
                ? "allocation size must be positive, got " + requested
                : "allocation size " + requested + " exceeds the largest servable size " + max);
        this.requested = requested;
        this.max = max;
    }

    public long requested() {
        return requested;
    }

    public long max() {
        return max;
    }
}
