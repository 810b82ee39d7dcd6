package io.github.hpa4j.actors;

/** A bad {@code hpa4j.*} setting; the message names the key. */
public final class Hpa4jConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public Hpa4jConfigException(String key, String problem) {
        super("bad setting " + key + ": " + problem);
        this.key = key;
    }

    public Hpa4jConfigException(String key, String problem, Throwable cause) {
        super("bad setting " + key + ": " + problem, cause);
        this.key = key;
    }

    /** The full key, e.g. {@code hpa4j.dirty-mult}. */
    public String key() {
        return key;
    }
}
