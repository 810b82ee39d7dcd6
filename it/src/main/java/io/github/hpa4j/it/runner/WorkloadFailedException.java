package io.github.hpa4j.it.runner;

/** The allocator refused or failed a request the workload needed; the message says which and why. */
public final class WorkloadFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WorkloadFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
