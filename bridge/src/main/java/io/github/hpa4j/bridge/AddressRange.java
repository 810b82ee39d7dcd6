package io.github.hpa4j.bridge;

/** A half-open byte range {@code [address, address + size)}, e.g. one region the allocator mapped. */
public record AddressRange(long address, long size) {
    public AddressRange {
        if (size < 0 || address + size < address) {
            throw new IllegalArgumentException("bad range 0x" + Long.toHexString(address) + " + " + size);
        }
    }

    public long end() {
        return address + size;
    }
}
