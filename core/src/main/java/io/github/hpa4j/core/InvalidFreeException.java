package io.github.hpa4j.core;

/** A free that does not match a live extent of the shard; the shard is unchanged. */
public final class InvalidFreeException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    private final FreeRefusal reason;
    private final long address;
    private final long size;

    /**
     * A refused free.
     *
     * @param reason  why it was refused
     * @param address the address freed
     * @param size    the size the free gave
     * @param shard   the shard that refused it
     */
    public InvalidFreeException(FreeRefusal reason, long address, long size, int shard) {
        super("free of [0x" + Long.toHexString(address) + ", +" + size + ") refused by shard " + shard + ": "
                + reason.description());
        this.reason = reason;
        this.address = address;
        this.size = size;
    }

    /** {@return why the free was refused} */
    public FreeRefusal reason() {
        return reason;
    }

    /** {@return the address freed} */
    public long address() {
        return address;
    }

    /** {@return the size the free gave} */
    public long size() {
        return size;
    }
}
