package io.github.hpa4j.core;

/** An alignment that is not a power of two, or above the largest supported (a hugepage). */
public final class InvalidAlignmentException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    private final long alignment;

    /**
     * A refusal of {@code alignment}.
     *
     * @param alignment the alignment asked for
     */
    public InvalidAlignmentException(long alignment) {
        super(
                alignment <= 0 || Long.bitCount(alignment) != 1
                        ? "alignment must be a power of two, got " + alignment
                        : "alignment " + alignment + " exceeds the largest supported, a hugepage (" + Pages.HUGEPAGE
                                + ")");
        this.alignment = alignment;
    }

    /** {@return the alignment asked for} */
    public long alignment() {
        return alignment;
    }

    /**
     * Throws unless {@code alignment} is a power of two no larger than a hugepage.
     *
     * @param alignment the alignment asked for
     */
    public static void check(long alignment) {
        if (alignment <= 0 || Long.bitCount(alignment) != 1 || alignment > Pages.HUGEPAGE) {
            throw new InvalidAlignmentException(alignment);
        }
    }
}
