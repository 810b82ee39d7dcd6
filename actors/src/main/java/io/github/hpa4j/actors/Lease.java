package io.github.hpa4j.actors;

import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidFreeException;
import java.lang.foreign.MemorySegment;

/**
 * One thread's reusable holder of one allocation at a time: the synchronous fast path without a new
 * handle per allocation. {@link #allocate} fills it, {@link #free} empties it, and the same lease
 * serves the next allocation, so a pair served by the thread's cache makes no garbage.
 *
 * <p><b>Confined to the thread that made it</b> ({@link Hpa4j#lease()}), like a confined arena: a
 * call from any other thread throws {@link WrongThreadException} and changes nothing
 * ({@link #toString()} excepted). That is what
 * lets the lease take and free through its thread's cache directly, with plain fields.
 *
 * <p><b>The lease is the capability.</b> Whoever holds the lease may free what it holds, and only
 * that: an extent a lease holds is in no cache and under no live {@link Allocation} handle, so no
 * other free can reach it, and a lease never frees more than it was given. Freeing an empty lease is
 * refused ({@link FreeRefusal#NOT_ALLOCATED}), and so is allocating into a full one
 * ({@link IllegalStateException}); neither changes anything.
 *
 * <p><b>What it trades.</b> Reuse is the caller's decision: an address or segment kept from before
 * a {@link #free} reaches whatever the lease, or another owner, holds next, as a stale segment does at
 * the {@code standard} safety level. At the checked levels, with the cache off, and for sizes the
 * cache does not serve (large, or aligned beyond a page), each allocation is an {@link Allocation}
 * handle held for the caller, with that handle's checks. A lease dropped while it holds memory leaks
 * it until the allocator stops, as an allocation never freed does; the leak sampler does not watch
 * leases.
 */
public final class Lease implements AutoCloseable {
    private final Hpa4j allocator;
    private final Thread owner;
    /* The owner's thread cache, or null when every allocation is a handle. */
    private final ThreadCache cache;
    /* What the lease holds now, or null. */
    private Allocation held;
    /* Whether held is a cached extent taken for the lease (retired, known to nobody else), not a live handle. */
    private boolean taken;

    Lease(Hpa4j allocator, ThreadCache cache) {
        this.allocator = allocator;
        this.owner = Thread.currentThread();
        this.cache = cache;
    }

    /**
     * Fills the lease with at least {@code bytes}, as {@link Hpa4j#allocateNow(long)} does, and
     * throws what it throws.
     *
     * @param bytes the size asked for
     * @return the first byte of what the lease now holds
     * @throws IllegalStateException when the lease already holds an allocation
     */
    public long allocate(long bytes) {
        return allocate(bytes, AllocationOptions.DEFAULT);
    }

    /**
     * As {@link #allocate(long)}, aligned and zeroed as {@code options} asks.
     *
     * @param bytes the size asked for
     * @param options alignment and zeroing
     * @return the first byte of what the lease now holds
     * @throws IllegalStateException when the lease already holds an allocation
     */
    public long allocate(long bytes, AllocationOptions options) {
        confined();
        if (held != null) {
            throw new IllegalStateException(this + " holds an allocation: free it first");
        }
        if (cache == null) {
            held = allocator.allocateNow(bytes, options);
            taken = false;
            return held.address();
        }
        Allocation hit = allocator.leaseHit(cache, bytes, options);
        if (hit != null) {
            held = hit;
            taken = true;
        } else {
            held = allocator.leaseMiss(bytes, options);
            taken = false;
        }
        return held.address();
    }

    /**
     * Frees what the lease holds, synchronously, and leaves it empty for the next allocation.
     *
     * @throws InvalidFreeException ({@link FreeRefusal#NOT_ALLOCATED}) when the lease is empty
     */
    public void free() {
        confined();
        Allocation a = held;
        if (a == null) {
            throw new InvalidFreeException(FreeRefusal.NOT_ALLOCATED, 0, 0, -1);
        }
        if (taken) {
            allocator.leaseFree(cache, a);
        } else {
            allocator.freeNow(a);
        }
        held = null;
    }

    /** Frees what the lease holds, if anything: for try-with-resources. */
    @Override
    public void close() {
        confined();
        if (held != null) {
            free();
        }
    }

    /** {@return whether the lease holds an allocation now} */
    public boolean holds() {
        confined();
        return held != null;
    }

    /**
     * The first byte of what the lease holds.
     *
     * @return the address
     * @throws IllegalStateException when the lease is empty
     */
    public long address() {
        return holding().address();
    }

    /**
     * The usable bytes of what the lease holds, as {@link Allocation#size()}.
     *
     * @return the usable bytes
     * @throws IllegalStateException when the lease is empty
     */
    public long size() {
        return holding().size();
    }

    /**
     * A view of exactly what the lease holds, as {@link Allocation#segment()}: access outside it
     * throws, and so does any access once the allocator has stopped. The view of a cached extent is
     * made once and serves each lease that holds that extent again.
     *
     * @return the segment
     * @throws IllegalStateException when the lease is empty
     */
    public MemorySegment segment() {
        return holding().segment();
    }

    private Allocation holding() {
        confined();
        Allocation a = held;
        if (a == null) {
            throw new IllegalStateException("the lease holds nothing");
        }
        return a;
    }

    private void confined() {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("a lease is confined to the thread that made it: " + owner);
        }
    }

    @Override
    public String toString() {
        Allocation a = held;
        return a == null ? "Lease[empty]" : "Lease[0x" + Long.toHexString(a.address()) + ", " + a.size() + " bytes]";
    }
}
