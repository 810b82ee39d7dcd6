package io.github.hpa4j.it;

import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.Pages;
import java.util.ArrayList;
import java.util.List;

/**
 * What one client of a test holds and has done: its {@link Workload.Plan}, the allocations it owns
 * in the {@link PatternLedger}, and the calls it made and the failures it tolerated. A plain thread
 * on the facade and an actor on the protocol keep their books here, so both draw their requests,
 * check replies, pick what to free and count alike. Not thread-safe: only the client's own thread
 * or actor touches it.
 */
final class ClientBook {
    /**
     * The next allocate call: {@code count} extents of {@code bytes} each.
     *
     * @param single a single-extent call rather than a batch of one or more
     */
    record Allocate(long bytes, boolean single, int count) {}

    /**
     * The next free call, already verified and released from the ledger.
     *
     * @param single     a single-extent call rather than a batch of one or more
     * @param freed      the extents as the ledger tracked them
     * @param allocations the handles to pass to the allocator
     */
    record Free(boolean single, List<PatternLedger.Tracked> freed, List<Allocation> allocations) {}

    private final String name;
    private final Hpa4j hpa4j;
    private final PatternLedger ledger;
    private final Workload.Plan plan;
    private final ClientObserver observer;
    private final List<PatternLedger.Tracked> live = new ArrayList<>();
    private long calls;
    private long tolerated;

    ClientBook(String name, Hpa4j hpa4j, PatternLedger ledger, Workload workload, long seed, ClientObserver observer) {
        this.name = name;
        this.hpa4j = hpa4j;
        this.ledger = ledger;
        this.plan = new Workload.Plan(workload, seed);
        this.observer = observer;
    }

    /** The next step, given the extents asked for whose reply has not arrived yet. */
    Workload.Plan.Step next(int extentsOnTheirWay) {
        return plan.next(live.size() + extentsOnTheirWay);
    }

    boolean holdsNothing() {
        return live.isEmpty();
    }

    /** Draws the next allocate call and counts it as made. */
    Allocate allocate() {
        long bytes = plan.requestBytes();
        boolean single = plan.single();
        int count = single ? 1 : plan.batchCount();
        calls++;
        return new Allocate(bytes, single, count);
    }

    /** Checks the reply to {@code call}, then claims and fills every extent it brought. */
    void allocated(Allocate call, List<Allocation> got) {
        if (got.size() != call.count()) {
            throw new AssertionError(name + ": asked for " + call.count() + " extents, got " + got.size());
        }
        long expected = Pages.pageCeiling(call.bytes());
        for (Allocation allocation : got) {
            if (allocation.size() != expected
                    || !Pages.isPageAligned(allocation.address())
                    || allocation.shard() < 0
                    || allocation.shard() >= hpa4j.shardCount()) {
                throw new AssertionError(name + ": asked for " + call.bytes() + " bytes, got " + allocation
                        + " (expected " + expected + " page-aligned bytes)");
            }
        }
        for (Allocation allocation : got) {
            live.add(ledger.claim(allocation));
        }
        plan.operations += call.count();
    }

    /** Whether the observer accepts that {@code call} failed with {@code error}; counts it if so. */
    boolean tolerates(Allocate call, Throwable error) {
        return tolerated(observer.allocateFailed(error, call.bytes(), call.count()));
    }

    /**
     * Draws the next free call from the live extents (at least one must be live), picks its extents
     * at random, verifies them and releases them from the ledger, and counts the call as made.
     */
    Free free() {
        boolean single = plan.single();
        int count = single ? 1 : Math.min(plan.batchCount(), live.size());
        List<PatternLedger.Tracked> freed = new ArrayList<>(count);
        List<Allocation> allocations = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            PatternLedger.Tracked tracked = removeRandom(plan.pick(live.size()));
            ledger.release(tracked);
            freed.add(tracked);
            allocations.add(tracked.allocation());
        }
        calls++;
        return new Free(single, freed, allocations);
    }

    /**
     * Counts the extents of {@code call} as operations once its reply arrived, refused or not: they
     * left the client's hands either way.
     */
    void answered(Free call) {
        plan.operations += call.freed().size();
    }

    /** Whether the observer accepts that {@code call} failed with {@code error}; counts it if so. */
    boolean tolerates(Free call, Throwable error) {
        return tolerated(observer.freeFailed(error, call.freed()));
    }

    /** What the client did and still holds. */
    ClientResult result() {
        return new ClientResult(name, plan.operations, calls, tolerated, List.copyOf(live));
    }

    /** The error that ends the client, naming it and how far it got. */
    AssertionError failure(Throwable t) {
        return new AssertionError(name + " failed after " + plan.operations + " operations: " + t.getMessage(), t);
    }

    private boolean tolerated(boolean accepted) {
        if (accepted) {
            tolerated++;
        }
        return accepted;
    }

    /** Removes element {@code index} in O(1) (order does not matter). */
    private PatternLedger.Tracked removeRandom(int index) {
        PatternLedger.Tracked element = live.get(index);
        PatternLedger.Tracked last = live.remove(live.size() - 1);
        if (index < live.size()) {
            live.set(index, last);
        }
        return element;
    }
}
