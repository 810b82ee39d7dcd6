package io.github.hpa4j.actors;

import io.github.hpa4j.core.AllocatorException;
import io.github.hpa4j.core.Extent;
import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidFreeException;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.PagesToClear;
import io.github.hpa4j.core.SizeKind;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one maker of one allocator's {@link Allocation} handles, and the judge of every free before it
 * reaches a shard or a cache: a free first <em>claims</em> its handles (all of a batch, or none),
 * then <em>releases</em> them, which retires the handles and yields the extents that may be used
 * again.
 *
 * <p>It owns the scopes segments are bound to: the allocator's shared arena, and at the checked
 * levels one arena per live allocation. {@link #close()} closes them all before any memory is
 * unmapped, so that no segment can reach unmapped memory. Thread-safe.
 */
final class Handles {
    private static final Logger LOG = LoggerFactory.getLogger(Handles.class);
    /* Closing a scope fails while a native call holds one of its segments; such calls are short. */
    private static final int CLOSE_ATTEMPTS = 1_000;

    private final SafetySettings safety;
    private final Arena scope = Arena.ofShared();
    /*
     * All of the address space, in the allocator's scope: a handle's segment is a slice of it, so
     * making one is a bounds check and one object, with no restricted call on the hot path.
     */
    // Restricted FFM call, allowed at run time by --enable-native-access (hpa4j.jvm.flags).
    @SuppressWarnings("restricted")
    private final MemorySegment everything = MemorySegment.NULL.reinterpret(Long.MAX_VALUE, scope, null);
    /** Live allocations' own scopes (checked levels), closed at stop. */
    private final Set<Arena> ownScopes = ConcurrentHashMap.newKeySet();

    private final LeakDetector leaks;
    private final Quarantine[] quarantines;
    private final AtomicLong writesAfterFree = new AtomicLong();
    private volatile Hpa4j facade;
    private volatile boolean closed;

    Handles(SafetySettings safety, int shards, long slabMaxAlloc) {
        this.safety = safety;
        this.leaks = new LeakDetector(safety.leakSampling(), safety.level() == SafetySettings.Level.PARANOID);
        this.quarantines = new Quarantine[safety.level().checked() ? shards : 0];
        if (quarantines.length > 0) {
            MemorySegment poison = scope.allocate(Pages.pageCeiling(slabMaxAlloc));
            poison.fill(Quarantine.POISON);
            for (int i = 0; i < shards; i++) {
                quarantines[i] = new Quarantine(safety.quarantineBytes(), this::view, poison, writesAfterFree);
            }
        }
    }

    void bind(Hpa4j owner) {
        this.facade = owner;
    }

    Hpa4j facade() {
        return facade;
    }

    boolean checked() {
        return quarantines.length > 0;
    }

    // ------------------------------------------------------------------ issuing

    /**
     * A new handle for an extent a shard just allocated or a cache hands out again. Throws
     * {@link IllegalStateException} once the allocator has closed its scopes.
     */
    // A checked-level handle's own arena outlives this call: ownScopes holds it until the free or close().
    @SuppressWarnings("MustBeClosedChecker")
    Allocation issue(long address, long size, int shard, SizeKind kind) {
        if (closed) {
            throw new IllegalStateException("the allocator has closed its scopes");
        }
        Arena own = null;
        Throwable site = null;
        if (checked()) {
            own = Arena.ofShared();
            ownScopes.add(own);
            site = new AllocationSite();
        }
        Allocation allocation = new Allocation(address, size, shard, kind, this, own, site);
        leaks.maybeTrack(allocation);
        return allocation;
    }

    Allocation issue(Extent extent) {
        return issue(extent.address(), extent.size(), extent.shard(), SizeKind.PAGES);
    }

    /** As {@link #issue(Extent)} for an extent served by the small or the large layer. */
    Allocation issue(Extent extent, SizeKind kind) {
        return issue(extent.address(), extent.size(), extent.shard(), kind);
    }

    /*
     * Clears what a zeroed request must clear, through the allocator's own view: the runs of
     * toClear, counted in pages from address, and no further than bytes.
     */
    void clear(long address, long bytes, PagesToClear toClear) {
        for (int i = 0; i < toClear.runCount(); i++) {
            long offset = toClear.runOffset(i);
            everything
                    .asSlice(address + offset, Math.min(toClear.runBytes(i), bytes - offset))
                    .fill((byte) 0);
        }
    }

    /* Clears a whole small region, which core never reports as known zero. */
    void clear(long address, long bytes) {
        everything.asSlice(address, bytes).fill((byte) 0);
    }

    /**
     * A cached extent goes out again under a new handle; its old one was retired for good when the
     * front took it (a won {@link Allocation#takeCached}, or a tier's retired stock).
     */
    Allocation reissue(Allocation retired) {
        return issue(retired.address(), retired.size(), retired.shard(), retired.kind());
    }

    /** At the checked levels, the caller's stack now, to {@link #stamp} on what its request gets; else null. */
    Throwable siteHere() {
        return checked() ? new AllocationSite() : null;
    }

    /*
     * A shard actor issued these on its own thread: they carry the stack of the caller that asked
     * for them instead.
     */
    void stamp(List<Allocation> allocations, Throwable site) {
        if (site == null) {
            return;
        }
        for (Allocation a : allocations) {
            a.site = site;
            if (a.leak != null) {
                a.leak.site = site;
            }
        }
    }

    /** Where a checked-level allocation was made: the stack of the thread that asked. */
    private static final class AllocationSite extends Throwable {
        private static final long serialVersionUID = 1L;

        AllocationSite() {
            super("allocated here");
        }
    }

    // ------------------------------------------------------------------ freeing

    /**
     * Claims every handle of {@code batch} for one free, or none: returns null when all were
     * claimed, else the refusal of the first bad entry, with every claim of the batch released.
     *
     * @param shard the shard the batch must belong to, or -1 for any
     */
    AllocatorException claim(List<Allocation> batch, int shard) {
        for (int i = 0, n = batch.size(); i < n; i++) {
            Allocation a = batch.get(i);
            AllocatorException refusal = refusalOf(a, shard, batch, i);
            if (refusal != null) {
                unclaim(batch.subList(0, i));
                return refusal;
            }
        }
        if (checked()) {
            AllocatorException refusal = closeOwnScopes(batch);
            if (refusal != null) {
                unclaim(batch);
                return refusal;
            }
        }
        return null;
    }

    /** As {@link #claim(List, int)} for one handle of any shard, without a list. */
    AllocatorException claim(Allocation a) {
        AllocatorException refusal = refusalOf(a, -1, List.of(), 0);
        if (refusal == null && checked()) {
            refusal = closeOwnScopes(List.of(a));
            if (refusal != null) {
                a.unclaim();
            }
        }
        return refusal;
    }

    /** As {@link #release(List)} at the standard level, for one handle: its extent may be used again. */
    void releaseUnchecked(Allocation claimed) {
        leaks.untrack(claimed);
        claimed.markFreed();
    }

    private AllocatorException refusalOf(Allocation a, int shard, List<Allocation> batch, int index) {
        if (a == null) {
            return new InvalidFreeException(FreeRefusal.NULL_EXTENT, 0, 0, shard);
        }
        if (a.issuer() != this) {
            return refused(a.issuer().closed ? FreeRefusal.ALLOCATOR_STOPPED : FreeRefusal.FOREIGN_ALLOCATION, a);
        }
        if (shard >= 0 && a.shard() != shard) {
            return new InvalidFreeException(FreeRefusal.WRONG_SHARD, a.address(), a.size(), shard);
        }
        if (!a.claim()) {
            return refused(
                    a.claimed() && appearsBefore(a, batch, index)
                            ? FreeRefusal.DUPLICATE_IN_BATCH
                            : FreeRefusal.NOT_ALLOCATED,
                    a);
        }
        return null;
    }

    private static boolean appearsBefore(Allocation a, List<Allocation> batch, int index) {
        for (int j = 0; j < index; j++) {
            if (batch.get(j) == a) {
                return true;
            }
        }
        return false;
    }

    private static InvalidFreeException refused(FreeRefusal reason, Allocation a) {
        return new InvalidFreeException(reason, a.address(), a.size(), a.shard());
    }

    /*
     * A scope closes only when no native call holds one of its segments. An allocation whose scope
     * stays held is refused: its memory must not be reused while a call may still write it.
     */
    private AllocatorException closeOwnScopes(List<Allocation> batch) {
        for (Allocation a : batch) {
            if (a.ownScope.scope().isAlive() && !closeScope(a.ownScope)) {
                return refused(FreeRefusal.SEGMENT_IN_USE, a);
            }
            ownScopes.remove(a.ownScope);
        }
        return null;
    }

    void unclaim(List<Allocation> claimed) {
        for (Allocation a : claimed) {
            a.unclaim();
        }
    }

    /**
     * Retires claimed handles and returns those whose extents may be used again: all of them, or at
     * the checked levels whatever left the quarantines to make room for them.
     */
    List<Allocation> release(List<Allocation> claimed) {
        for (Allocation a : claimed) {
            leaks.untrack(a);
            a.markFreed();
        }
        if (!checked()) {
            return claimed;
        }
        List<Allocation> reusable = new ArrayList<>();
        for (Allocation a : claimed) {
            // The quarantine's poison covers a page extent at most: other sizes are reused at once.
            if (a.kind() == SizeKind.PAGES) {
                reusable.addAll(quarantines[a.shard()].admit(List.of(a)));
            } else {
                reusable.add(a);
            }
        }
        return reusable;
    }

    /** Retires live handles nobody holds (a tier's stock, replies whose caller gave up): claimed, untracked, freed. */
    List<Allocation> retireUnheld(List<Allocation> live) {
        List<Allocation> mine = new ArrayList<>(live.size());
        for (Allocation a : live) {
            if (a != null && a.issuer() == this && a.claim()) {
                mine.add(a);
            }
        }
        if (checked() && closeOwnScopes(mine) != null) {
            LOG.warn("hpa4j: reclaiming allocations whose segments are held by native calls");
        }
        for (Allocation a : mine) {
            leaks.untrack(a);
            a.markFreed();
        }
        return mine;
    }

    /** Every quarantined extent, checked, for trim and stop. */
    List<Allocation> drainQuarantines() {
        List<Allocation> all = new ArrayList<>();
        for (Quarantine q : quarantines) {
            all.addAll(q.drain());
        }
        return all;
    }

    // ------------------------------------------------------------------ figures, housekeeping, stop

    SafetyStats stats() {
        long extents = 0;
        long bytes = 0;
        for (Quarantine q : quarantines) {
            extents += q.extents();
            bytes += q.bytes();
        }
        return new SafetyStats(
                safety.level(), leaks.watched(), leaks.reported(), writesAfterFree.get(), extents, bytes);
    }

    void pollLeaks() {
        leaks.poll();
    }

    boolean closed() {
        return closed;
    }

    /**
     * Closes every scope, so that no segment this allocator handed out can be used any more; only
     * then may its memory be unmapped. Returns false when a scope stayed held by a native call: the
     * memory must then stay mapped.
     */
    boolean close() {
        closed = true;
        leaks.stop();
        boolean all = true;
        for (Arena own : ownScopes) {
            all &= !own.scope().isAlive() || closeScope(own);
        }
        ownScopes.clear();
        return closeScope(scope) && all;
    }

    /* Shared arenas close with a handshake; a segment held by a native call makes it throw. */
    // The holder is another thread in a native call: yielding gives it the core to finish on.
    @SuppressWarnings("ThreadPriorityCheck")
    private static boolean closeScope(Arena arena) {
        for (int attempt = 0; attempt < CLOSE_ATTEMPTS; attempt++) {
            try {
                arena.close();
                return true;
            } catch (IllegalStateException e) {
                if (!arena.scope().isAlive()) {
                    return true; // closed meanwhile by another closer
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        }
        return false;
    }

    /**
     * The segment a handle hands out: in its own scope at the checked levels, else in the
     * allocator's. Throws {@link IllegalStateException} when that scope is closed.
     */
    // Restricted FFM call, allowed at run time by --enable-native-access (hpa4j.jvm.flags).
    @SuppressWarnings("restricted")
    MemorySegment segmentOf(Allocation a) {
        return a.ownScope != null
                ? MemorySegment.ofAddress(a.address()).reinterpret(a.size(), a.ownScope, null)
                : everything.asSlice(a.address(), a.size());
    }

    /* The allocator's own view of an allocation's memory: valid until stop, whatever its own scope. */
    private MemorySegment view(Allocation a) {
        return everything.asSlice(a.address(), a.size());
    }
}
