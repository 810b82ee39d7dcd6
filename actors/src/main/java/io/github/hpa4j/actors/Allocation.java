package io.github.hpa4j.actors;

import io.github.hpa4j.core.Extent;
import io.github.hpa4j.core.SizeKind;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Memory handed out by hpa4j, owned by one shard until freed: a region of a small size class, whole
 * pages, or a large extent of whole pages or hugepages ({@link #kind()}).
 *
 * <p><b>A capability, not a value.</b> Only hpa4j creates allocations, and each one stands for one
 * hand-out of its extent: equality is identity, never address. The handle carries its own state,
 * changed atomically, so exactly one free of it wins and every later free is refused
 * ({@link io.github.hpa4j.core.FreeRefusal#NOT_ALLOCATED}), even once the same address has been
 * handed to somebody else under a new handle. A handle is refused by any other allocator
 * ({@code FOREIGN_ALLOCATION}, or {@code ALLOCATOR_STOPPED} once its own allocator has stopped).
 *
 * <p><b>Its segment is scoped.</b> {@link #segment()} is bound to the allocator's shared arena,
 * which closes when the allocator stops, before any memory is unmapped: access afterwards throws
 * {@link IllegalStateException} instead of crashing the JVM. At {@code hpa4j.safety.level = checked}
 * (or {@code paranoid}) each allocation has an arena of its own that its free closes, so access after
 * free throws too; at {@code standard} a stale segment still reaches the memory it was given, which
 * may belong to a new owner by then.
 *
 * <p>{@link #close()} frees it (synchronously), for try-with-resources; {@link #asByteBuffer()} is a
 * {@link ByteBuffer} view for APIs that take one.
 */
public final class Allocation implements AutoCloseable {
    /** What a handle's holder may still do with it. */
    public enum State {
        /** Handed out and not yet freed: the holder owns its memory. */
        LIVE,
        /** Freed into a thread cache, its extent not yet handed out again. */
        CACHED,
        /** Freed: its extent went back to its shard, or out again under another handle. */
        FREED
    }

    private static final int LIVE = 0;
    /* Held by a free in progress (a batch claims every handle before any shard frees anything). */
    private static final int CLAIMED = 1;
    private static final int CACHED = 2;
    private static final int FREED = 3;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Allocation.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long address;
    private final long size;
    private final int shard;
    private final SizeKind kind;
    private final Handles issuer;
    /* Made on first use: a benign race may make two equal views, both in the same scope. */
    private MemorySegment segment;
    /** The allocation's own scope in checked mode, closed by its free; null otherwise. */
    final Arena ownScope;
    /** Where it was allocated (checked and paranoid levels), else null; set before it is handed out. */
    Throwable site;
    /** Its leak tracker while it is live and sampled, else null. */
    LeakDetector.Tracker leak;

    private volatile int state;

    Allocation(long address, long size, int shard, SizeKind kind, Handles issuer, Arena ownScope, Throwable site) {
        this.address = address;
        this.size = size;
        this.shard = shard;
        this.kind = kind;
        this.issuer = issuer;
        this.ownScope = ownScope;
        this.site = site;
    }

    /** {@return the first byte} */
    public long address() {
        return address;
    }

    /**
     * The usable bytes: the request rounded up to its small class, to whole pages, or for a large
     * allocation to whole pages (packed in a region) or whole hugepages. All of it may be used.
     *
     * @return the usable bytes
     */
    public long size() {
        return size;
    }

    /** {@return the layer that served it, and that its free goes back to} */
    public SizeKind kind() {
        return kind;
    }

    /** {@return the shard that owns it} */
    public int shard() {
        return shard;
    }

    /**
     * A view of exactly this allocation: access outside it throws, and so does any access once the
     * allocator has stopped (or, in checked mode, once this allocation was freed).
     *
     * @return the segment
     */
    public MemorySegment segment() {
        MemorySegment view = segment;
        if (view == null) {
            segment = view = issuer.segmentOf(this);
        }
        return view;
    }

    /**
     * A direct {@link ByteBuffer} over exactly this allocation ({@code segment().asByteBuffer()}),
     * native byte order, position 0, limit and capacity {@link #size()} (at most
     * {@link Integer#MAX_VALUE}: a larger allocation throws, use {@link #segment()}).
     *
     * <p>Its lifetime is the segment's: it is valid until this allocation is freed. Once the
     * allocator has stopped (or, at the checked levels, once this allocation was freed) any access
     * through it throws {@link IllegalStateException}; at {@code standard} an access after free still
     * reaches memory that may belong to a new owner, as with the segment. Do not keep it past the free.
     *
     * @return the buffer
     */
    public ByteBuffer asByteBuffer() {
        return segment().asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** {@return the handle's state now: live, cached or freed} */
    public State state() {
        return switch ((int) STATE.getAcquire(this)) {
            case LIVE, CLAIMED -> State.LIVE;
            case CACHED -> State.CACHED;
            default -> State.FREED;
        };
    }

    /** Frees it through its allocator's facade, synchronously; a second close is refused. */
    @Override
    public void close() {
        issuer.facade().freeNow(this);
    }

    Handles issuer() {
        return issuer;
    }

    Extent extent() {
        return new Extent(address, size, shard);
    }

    /* Exactly one claim of a live handle wins. */
    boolean claim() {
        return STATE.compareAndSet(this, LIVE, CLAIMED);
    }

    /* A batch that was refused gives back the claims it won. */
    void unclaim() {
        STATE.setRelease(this, LIVE);
    }

    boolean claimed() {
        return (int) STATE.getAcquire(this) == CLAIMED;
    }

    /*
     * The extent goes into a thread cache's stack: after the claim of a free, or from a transfer
     * tier (whose extents are retired). Only a LIVE handle can be claimed, so a holder of the old
     * handle still cannot free it.
     */
    void markCached() {
        STATE.setRelease(this, CACHED);
    }

    /*
     * Whoever takes a cached extent out of a stack wins it here: the owning thread's hit or flush,
     * or a sweeper emptying the stack of a thread that went idle. Exactly one of them wins.
     */
    boolean takeCached() {
        return STATE.compareAndSet(this, CACHED, FREED);
    }

    boolean cached() {
        return (int) STATE.getAcquire(this) == CACHED;
    }

    /* After the claim, or when a cached extent goes out again under a new handle. */
    void markFreed() {
        STATE.setRelease(this, FREED);
    }

    @Override
    public String toString() {
        return "Allocation[0x" + Long.toHexString(address) + ", " + size + " bytes " + kind + ", shard " + shard + ", "
                + state() + "]";
    }
}
