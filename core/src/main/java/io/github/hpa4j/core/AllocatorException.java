package io.github.hpa4j.core;

/** The root of hpa4j's typed errors; every refusal the allocator makes is one of these. */
public abstract class AllocatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal described by {@code message}.
     *
     * @param message what was refused, and why
     */
    protected AllocatorException(String message) {
        super(message);
    }

    /**
     * A refusal caused by {@code cause}.
     *
     * @param message what was refused, and why
     * @param cause   the failure behind it
     */
    protected AllocatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
