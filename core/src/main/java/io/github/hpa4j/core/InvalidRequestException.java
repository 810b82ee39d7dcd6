package io.github.hpa4j.core;

/** Bad input: the request can never succeed as made, and it changed no state. */
public abstract class InvalidRequestException extends AllocatorException {
    protected InvalidRequestException(String message) {
        super(message);
    }
}
