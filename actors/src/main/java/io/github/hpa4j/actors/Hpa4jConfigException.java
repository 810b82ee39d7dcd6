package io.github.hpa4j.actors;

/** A bad {@code hpa4j.*} setting; the message names the key. */
public final class Hpa4jConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * A bad setting.
     *
     * @param key     the full key
     * @param problem what is wrong with its value
     */
    public Hpa4jConfigException(String key, String problem) {
        super("bad setting " + key + ": " + problem);
        this.key = key;
    }

    /**
     * A bad setting whose value could not be read.
     *
     * @param key     the full key
     * @param problem what is wrong with its value
     * @param cause   the failure reading it
     */
    public Hpa4jConfigException(String key, String problem, Throwable cause) {
        super("bad setting " + key + ": " + problem, cause);
        this.key = key;
    }

    /**
     * The full key, e.g. {@code hpa4j.dirty-mult}.
     *
     * @return the key
     */
    public String key() {
        return key;
    }
}
