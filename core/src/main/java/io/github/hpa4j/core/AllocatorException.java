package io.github.hpa4j.core;

/** The root of hpa4j's typed errors; every refusal the allocator makes is one of these. */
public abstract class AllocatorException extends RuntimeException {
    protected AllocatorException(String message) {
        super(message);
    }

    protected AllocatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
