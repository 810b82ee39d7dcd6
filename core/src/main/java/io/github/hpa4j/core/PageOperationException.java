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

    public PageOperationException(String operation, long address, long length, String errorName, String detail) {
        super(operation + "(0x" + Long.toHexString(address) + ", " + length + ") failed"
                + (errorName == null ? "" : ": " + errorName) + (detail == null ? "" : " (" + detail + ")"));
        this.operation = operation;
        this.address = address;
        this.length = length;
        this.errorName = errorName;
    }

    public String operation() {
        return operation;
    }

    public long address() {
        return address;
    }

    public long length() {
        return length;
    }

    /** The errno name, or null when the failure did not come from the OS. */
    public String errorName() {
        return errorName;
    }
}
