package io.github.hpa4j.bridge;

/**
 * A half-open byte range {@code [address, address + size)}, e.g. one region the allocator mapped.
 *
 * @param address the first byte
 * @param size    bytes in the range, not negative
 */
public record AddressRange(long address, long size) {
    /** Refuses a negative size and a range that wraps past the end of the address space. */
    public AddressRange {
        if (size < 0 || address + size < address) {
            throw new IllegalArgumentException("bad range 0x" + Long.toHexString(address) + " + " + size);
        }
    }

    /** {@return the first byte past the range} */
    public long end() {
        return address + size;
    }
}
