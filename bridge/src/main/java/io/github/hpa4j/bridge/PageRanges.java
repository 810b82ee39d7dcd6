package io.github.hpa4j.bridge;

import io.github.hpa4j.core.Pages;

/** Argument checks shared by every hooks implementation, done before any system call. */
final class PageRanges {
    /**
     * Larger than any user address space (x86_64 with 5-level paging has 2^56 bytes); also keeps
     * {@code size + HUGEPAGE - PAGE} and {@code address + length} far from overflow.
     */
    static final long MAX_LENGTH = 1L << 57;

    private PageRanges() {}

    static void checkMapSize(long size) {
        if (size <= 0 || size > MAX_LENGTH) {
            throw new IllegalPageRangeException("map", 0, size, "size must be in (0, 2^57]");
        }
        if (!Pages.isHugepageAligned(size)) {
            throw new IllegalPageRangeException(
                    "map", 0, size, "size must be a multiple of the hugepage size " + Pages.HUGEPAGE);
        }
    }

    static void checkRange(String operation, long address, long length) {
        if (address == 0) {
            throw new IllegalPageRangeException(operation, address, length, "null address");
        }
        if (!Pages.isPageAligned(address)) {
            throw new IllegalPageRangeException(
                    operation, address, length, "address not aligned to the page size " + Pages.PAGE);
        }
        if (length <= 0 || length > MAX_LENGTH) {
            throw new IllegalPageRangeException(operation, address, length, "length must be in (0, 2^57]");
        }
        if (!Pages.isPageAligned(length)) {
            throw new IllegalPageRangeException(
                    operation, address, length, "length not a multiple of the page size " + Pages.PAGE);
        }
        if (address < 0 || address + length < 0) {
            throw new IllegalPageRangeException(operation, address, length, "range outside the user address space");
        }
    }
}
