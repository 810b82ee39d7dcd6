package io.github.hpa4j.core;

/** Bad input: the request can never succeed as made, and it changed no state. */
public abstract class InvalidRequestException extends AllocatorException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal described by {@code message}.
     *
     * @param message what was refused, and why
     */
    protected InvalidRequestException(String message) {
        super(message);
    }
}
