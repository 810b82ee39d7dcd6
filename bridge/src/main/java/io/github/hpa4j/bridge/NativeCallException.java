package io.github.hpa4j.bridge;

import io.github.hpa4j.core.PageOperationException;

/**
 * A system call behind a page operation returned an error. {@link #errorName()} is errno's name;
 * {@link #call()} is the call as issued, arguments included, e.g.
 * {@code madvise(0x7f3c00000000, 2097152, MADV_DONTNEED)}.
 */
public final class NativeCallException extends PageOperationException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * The failure of one system call.
     *
     * @param operation the page operation it served (map, unmap, purge, hugify, dehugify)
     * @param address   the range's first byte
     * @param length    the range's bytes
     * @param call      the call as issued, arguments included
     * @param errno     errno after the call
     */
    public NativeCallException(String operation, long address, long length, String call, int errno) {
        super(operation, address, length, Errno.name(errno), call);
        this.call = call;
        this.errno = errno;
    }

    /** {@return the call as issued, arguments included} */
    public String call() {
        return call;
    }

    /** {@return errno after the call; {@link Errno#name(int)} names it} */
    public int errno() {
        return errno;
    }
}
