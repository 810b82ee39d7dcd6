package io.github.hpa4j.core;

/** A free that does not match a live extent of the shard; the shard is unchanged. */
public final class InvalidFreeException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    private final FreeRefusal reason;
    private final long address;
    private final long size;

    public InvalidFreeException(FreeRefusal reason, long address, long size, int shard) {
        super("free of [0x" + Long.toHexString(address) + ", +" + size + ") refused by shard " + shard + ": "
                + reason.description());
        this.reason = reason;
        this.address = address;
        this.size = size;
    }

    public FreeRefusal reason() {
        return reason;
    }

    public long address() {
        return address;
    }

    public long size() {
        return size;
    }
}
