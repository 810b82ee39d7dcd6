package io.github.hpa4j.core;

/**
 * An allocation would take hpa4j past its memory budget ({@code hpa4j.max-memory}), or a slab would
 * take the address space it reserves past the bound the budget sets; nothing was allocated.
 * Allocations resume as memory is freed and purged.
 */
public final class MemoryBudgetExceededException extends AllocatorException {
    private static final long serialVersionUID = 1L;

    private final long limitBytes;
    private final long heldBytes;

    /**
     * A refusal at the budget's limit.
     *
     * @param limitBytes     the budget
     * @param heldBytes      what is held against it
     * @param requestedBytes what the allocation would have added
     */
    public MemoryBudgetExceededException(long limitBytes, long heldBytes, long requestedBytes) {
        this(
                "memory budget of " + limitBytes + " bytes reached: " + heldBytes + " bytes held (active or dirty), "
                        + requestedBytes + " more requested",
                limitBytes,
                heldBytes);
    }

    private MemoryBudgetExceededException(String message, long limitBytes, long heldBytes) {
        super(message);
        this.limitBytes = limitBytes;
        this.heldBytes = heldBytes;
    }

    /**
     * Eden may not reserve more address space: {@code reservedBytes} are mapped, which is the bound
     * the budget sets. Fragmentation spread the held pages over that many slabs.
     *
     * @param boundBytes    the bound, twice the budget
     * @param reservedBytes the address space reserved
     * @return the refusal
     */
    public static MemoryBudgetExceededException addressSpace(long boundBytes, long reservedBytes) {
        return new MemoryBudgetExceededException(
                "address space bound of " + boundBytes + " bytes reached (twice the" + " memory budget): "
                        + reservedBytes + " bytes reserved in slabs and eden",
                boundBytes,
                reservedBytes);
    }

    /** {@return the budget (or the address-space bound)} */
    public long limitBytes() {
        return limitBytes;
    }

    /** {@return what was held against it (or reserved)} */
    public long heldBytes() {
        return heldBytes;
    }
}
