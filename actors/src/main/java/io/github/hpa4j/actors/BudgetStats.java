package io.github.hpa4j.actors;

/**
 * The memory budget ({@code hpa4j.max-memory}) now. Resident and reserved memory are in
 * {@link AllocatorStats#smaps()} and {@link AllocatorStats#mappedBytes()}.
 *
 * @param limitBytes the budget, {@link Long#MAX_VALUE} when there is none
 * @param heldBytes  what hpa4j holds against it: pages active or dirty (touched and not yet given
 *                   back to the OS), cached and quarantined ones included
 */
public record BudgetStats(long limitBytes, long heldBytes) {
    public static final BudgetStats NONE = new BudgetStats(Long.MAX_VALUE, 0);

    /** {@return what the budget has left} */
    public long freeBytes() {
        return limitBytes == Long.MAX_VALUE ? Long.MAX_VALUE : limitBytes - heldBytes;
    }
}
