package io.github.hpa4j.core;

/**
 * A request the HPA does not handle, as in hpa.c: alignment above a page, or zeroed memory (the
 * HPA does not track which pages are known to be zero).
 */
public final class UnsupportedRequestException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    public UnsupportedRequestException(String message) {
        super(message);
    }
}
