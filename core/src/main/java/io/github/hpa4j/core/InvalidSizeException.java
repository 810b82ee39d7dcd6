package io.github.hpa4j.core;

/** An allocation size that is not positive, or larger than the shard serves (slab_max_alloc). */
public final class InvalidSizeException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    private final long requested;
    private final long max;

    /**
     * A refusal of {@code requested} bytes.
     *
     * @param requested the size asked for
     * @param max       the largest size served
     */
    public InvalidSizeException(long requested, long max) {
        super(
                requested <= 0
                        ? "allocation size must be positive, got " + requested
                        : "allocation size " + requested + " exceeds the largest servable size " + max);
        this.requested = requested;
        this.max = max;
    }

    /** {@return the size asked for} */
    public long requested() {
        return requested;
    }

    /** {@return the largest size served} */
    public long max() {
        return max;
    }
}
