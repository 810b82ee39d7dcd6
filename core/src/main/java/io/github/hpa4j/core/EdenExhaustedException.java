package io.github.hpa4j.core;

/** Out of memory: the OS refused to map more address space for eden. Nothing was allocated. */
public final class EdenExhaustedException extends AllocatorException {
    private static final long serialVersionUID = 1L;

    /**
     * The OS refused to map a region.
     *
     * @param bytes the region's size
     * @param cause the OS's refusal
     */
    public EdenExhaustedException(long bytes, Throwable cause) {
        super(
                "out of memory: could not map " + bytes + " bytes for eden"
                        + (cause == null ? "" : ": " + cause.getMessage()),
                cause);
    }
}
