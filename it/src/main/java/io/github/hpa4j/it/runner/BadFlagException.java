package io.github.hpa4j.it.runner;

/** A command-line flag the runner cannot use; the message names the flag and says what is wrong. */
public final class BadFlagException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String flag;

    public BadFlagException(String flag, String problem) {
        super(flag + ": " + problem);
        this.flag = flag;
    }

    public BadFlagException(String flag, String problem, Throwable cause) {
        super(flag + ": " + problem, cause);
        this.flag = flag;
    }

    /** The flag as the user wrote it, e.g. {@code --clients} or {@code --set hpa4j.dirty-mult}. */
    public String flag() {
        return flag;
    }
}
