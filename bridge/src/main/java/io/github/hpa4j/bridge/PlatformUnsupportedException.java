package io.github.hpa4j.bridge;

/**
 * hpa4j cannot start on its Linux page hooks here. The message says what is missing and how to fix
 * it; the portable hooks run only when configuration asks for them.
 */
public final class PlatformUnsupportedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * The refusal, with the way to run anyway.
     *
     * @param reason what is missing here, and how to fix it
     */
    public PlatformUnsupportedException(String reason) {
        super("hpa4j cannot start on its Linux page hooks: " + reason + ". (To run anyway without hugepages"
                + " and without giving memory back to the OS, set hpa4j.page-hooks = portable.)");
    }
}
