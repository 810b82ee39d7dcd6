package io.github.hpa4j.core;

/**
 * A request the HPA does not handle, as in hpa.c: alignment above a page, or zeroed memory (the
 * HPA does not track which pages are known to be zero).
 */
public final class UnsupportedRequestException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal of a request the HPA does not handle.
     *
     * @param message what was asked, and why the HPA does not do it
     */
    public UnsupportedRequestException(String message) {
        super(message);
    }
}
