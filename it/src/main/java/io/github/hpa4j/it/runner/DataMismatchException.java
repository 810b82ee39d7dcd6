package io.github.hpa4j.it.runner;

/**
 * An allocation did not read back what was written to it: two live allocations overlap, memory was
 * purged while allocated, or something else wrote to it. Aborts the run.
 */
public final class DataMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataMismatchException(String message) {
        super(message);
    }
}
