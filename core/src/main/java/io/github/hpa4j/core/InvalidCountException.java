package io.github.hpa4j.core;

/** A batch of a count that is not positive, or larger than a batch may be. */
public final class InvalidCountException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    private final int count;

    /**
     * A refusal of a batch of {@code count}.
     *
     * @param count the count asked for
     * @param max   the largest count a batch may have
     */
    public InvalidCountException(int count, int max) {
        super("batch count must be between 1 and " + max + ", got " + count);
        this.count = count;
    }

    /** {@return the count asked for} */
    public int count() {
        return count;
    }
}
