package io.github.hpa4j.core;

/**
 * An OS page operation (map, unmap, purge, hugify, dehugify) failed. Carries the operation, the
 * range and, when the OS gave one, the error's name (EINVAL, ENOMEM, ...).
 */
public class PageOperationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final long address;
    private final long length;
    private final String errorName;

    /**
     * A failed page operation.
     *
     * @param operation the operation (map, unmap, purge, hugify, dehugify)
     * @param address   the range's start
     * @param length    the range's bytes
     * @param errorName the errno name, or null when the failure did not come from the OS
     * @param detail    more about the failure, or null
     */
    public PageOperationException(String operation, long address, long length, String errorName, String detail) {
        super(operation + "(0x" + Long.toHexString(address) + ", " + length + ") failed"
                + (errorName == null ? "" : ": " + errorName) + (detail == null ? "" : " (" + detail + ")"));
        this.operation = operation;
        this.address = address;
        this.length = length;
        this.errorName = errorName;
    }

    /** {@return the operation that failed} */
    public String operation() {
        return operation;
    }

    /** {@return the range's start} */
    public long address() {
        return address;
    }

    /** {@return the range's bytes} */
    public long length() {
        return length;
    }

    /** {@return the errno name, or null when the failure did not come from the OS} */
    public String errorName() {
        return errorName;
    }
}
