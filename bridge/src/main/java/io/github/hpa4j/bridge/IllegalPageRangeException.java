package io.github.hpa4j.bridge;

import io.github.hpa4j.core.PageOperationException;

/**
 * A page operation was refused before any system call because its arguments cannot be right
 * (unaligned address, empty or non-page-multiple length, map size not a hugepage multiple, a range
 * the fallback never mapped). {@link #errorName()} is null: the OS was never asked.
 *
 * <p>A {@link PageOperationException} rather than an IllegalArgumentException on purpose: the
 * {@code PageHooks} contract promises that failures are PageOperationExceptions, so the page worker
 * that catches them per job reports this one to the shard too (with operation, address and length)
 * instead of dying with the job's bookkeeping half done. The distinct type lets the shard treat it as
 * a bug and not retry.
 */
public final class IllegalPageRangeException extends PageOperationException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal without an errno: the range broke a rule before any system call was made.
     *
     * @param operation the page operation refused (map, unmap, purge, hugify, dehugify)
     * @param address   the range's first byte
     * @param length    the range's bytes
     * @param reason    which rule the range broke
     */
    public IllegalPageRangeException(String operation, long address, long length, String reason) {
        super(operation, address, length, null, reason);
    }
}
