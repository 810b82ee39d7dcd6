package io.github.hpa4j.core;

/** The root of hpa4j's typed errors; every refusal the allocator makes is one of these. */
public abstract class AllocatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected AllocatorException(String message) {
        super(message);
    }

    protected AllocatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
