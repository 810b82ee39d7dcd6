package io.github.hpa4j.core;

/**
 * Why a free was refused. The first group is checked against the shard's own record of live
 * extents; the last three are judged by the allocator from the handle itself, before any shard sees
 * the free.
 */
public enum FreeRefusal {
    /** No extent was given. */
    NULL_EXTENT("no extent given"),
    /** The address is not page-aligned, so no extent can start there. */
    MISALIGNED_ADDRESS("address is not page-aligned"),
    /** The address lies in no slab of this shard. */
    UNKNOWN_ADDRESS("address is in no slab of this shard"),
    /** The address lies inside a live extent but is not its start. */
    INTERIOR_ADDRESS("address is inside a live extent, not at its start"),
    /** The address lies in a bin slab but not at the start of one of its regions. */
    NOT_REGION_START("address is not the start of a region of its slab"),
    /** A live extent starts there, but of another size (for a region: of another size class). */
    WRONG_SIZE("size differs from the live extent's"),
    /** The address is in one of the shard's slabs but no live extent covers it: a double free. */
    NOT_ALLOCATED("no live extent there (double free?)"),
    /** The extent names another shard. */
    WRONG_SHARD("extent belongs to another shard"),
    /** The same extent appears twice in one batch. */
    DUPLICATE_IN_BATCH("extent appears twice in the batch"),
    /** The handle was made by another allocator, which alone may free it. */
    FOREIGN_ALLOCATION("made by another allocator"),
    /** The handle was made by an allocator that has stopped: its memory is gone. */
    ALLOCATOR_STOPPED("made by an allocator that has stopped"),
    /** The allocation's own segment is held by a native call, so its scope cannot be closed yet. */
    SEGMENT_IN_USE("its segment is in use by a native call");

    private final String description;

    FreeRefusal(String description) {
        this.description = description;
    }

    /** {@return why the free was refused, as a refusal's message says it} */
    public String description() {
        return description;
    }
}
