package io.github.hpa4j.actors;

import io.github.hpa4j.core.AllocatorException;

/**
 * Something failed that should not have (a bug, or hooks that broke their contract): the request
 * was answered with this instead of being left without a reply. Its cause says what threw.
 */
public final class AllocatorFailureException extends AllocatorException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure of {@code what}, caused by {@code cause}.
     *
     * @param what  what failed
     * @param cause the failure behind it
     */
    public AllocatorFailureException(String what, Throwable cause) {
        super(what + ": " + cause, cause);
    }
}
