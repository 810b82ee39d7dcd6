package io.github.hpa4j.it;

import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.Pages;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A plain-thread client of the CompletionStage facade: one call at a time, single and batch calls
 * mixed, every allocation claimed and filled in the {@link PatternLedger} on arrival and verified
 * just before its free. Runs until its {@link Workload} is done or {@code stop} says so.
 */
final class FacadeClient implements Callable<ClientResult> {
    private final String name;
    private final Hpa4j hpa4j;
    private final PatternLedger ledger;
    private final Workload.Plan plan;
    private final ClientObserver observer;
    private final BooleanSupplier stop;
    private final List<PatternLedger.Tracked> live = new ArrayList<>();
    private long calls;
    private long tolerated;

    FacadeClient(
            String name,
            Hpa4j hpa4j,
            PatternLedger ledger,
            Workload workload,
            long seed,
            ClientObserver observer,
            BooleanSupplier stop) {
        this.name = name;
        this.hpa4j = hpa4j;
        this.ledger = ledger;
        this.plan = new Workload.Plan(workload, seed);
        this.observer = observer;
        this.stop = stop;
    }

    @Override
    public ClientResult call() {
        try {
            while (!stop.getAsBoolean()) {
                switch (plan.next(live.size())) {
                    case ALLOCATE -> allocate();
                    case FREE -> free();
                    case STOP -> {
                        return result();
                    }
                }
            }
            return result();
        } catch (Throwable t) {
            throw new AssertionError(name + " failed after " + plan.operations + " operations: " + t.getMessage(), t);
        }
    }

    private ClientResult result() {
        return new ClientResult(name, plan.operations, calls, tolerated, List.copyOf(live));
    }

    private void allocate() throws InterruptedException {
        long bytes = plan.requestBytes();
        boolean single = plan.single();
        int count = single ? 1 : plan.batchCount();
        CompletionStage<List<Allocation>> stage =
                single ? hpa4j.allocate(bytes).thenApply(List::of) : hpa4j.allocateBatch(bytes, count);
        calls++;
        List<Allocation> got;
        try {
            got = await(stage);
        } catch (ExecutionException e) {
            Throwable error = It.unwrap(e);
            if (observer.allocateFailed(error, bytes, count)) {
                tolerated++;
                return;
            }
            throw new AssertionError("allocate(" + bytes + " bytes x " + count + ") failed: " + error, error);
        }
        checkAllocations(name, hpa4j, got, bytes, count);
        for (Allocation allocation : got) {
            live.add(ledger.claim(allocation));
        }
        plan.operations += count;
    }

    private void free() throws InterruptedException {
        boolean single = plan.single();
        int count = single ? 1 : Math.min(plan.batchCount(), live.size());
        List<PatternLedger.Tracked> freed = new ArrayList<>(count);
        List<Allocation> allocations = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            PatternLedger.Tracked tracked = removeRandom(live, plan.pick(live.size()));
            ledger.release(tracked);
            freed.add(tracked);
            allocations.add(tracked.allocation());
        }
        CompletionStage<Void> stage = single ? hpa4j.free(allocations.get(0)) : hpa4j.freeBatch(allocations);
        calls++;
        try {
            await(stage);
        } catch (ExecutionException e) {
            Throwable error = It.unwrap(e);
            if (observer.freeFailed(error, freed)) {
                tolerated++;
            } else {
                throw new AssertionError("free of " + freed + " failed: " + error, error);
            }
        }
        plan.operations += count;
    }

    private static <T> T await(CompletionStage<T> stage) throws InterruptedException, ExecutionException {
        try {
            return stage.toCompletableFuture().get(It.CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(
                    "no answer within " + It.CALL_TIMEOUT + " (the facade's own ask timeout did not fire)");
        }
    }

    /** Asserts a reply: the count asked for, each size the request rounded up to pages, a real shard. */
    static void checkAllocations(String client, Hpa4j hpa4j, List<Allocation> got, long bytes, int count) {
        if (got.size() != count) {
            throw new AssertionError(client + ": asked for " + count + " extents, got " + got.size());
        }
        long expected = Pages.pageCeiling(bytes);
        for (Allocation allocation : got) {
            if (allocation.size() != expected
                    || !Pages.isPageAligned(allocation.address())
                    || allocation.shard() < 0
                    || allocation.shard() >= hpa4j.shardCount()) {
                throw new AssertionError(client + ": asked for " + bytes + " bytes, got " + allocation + " (expected "
                        + expected + " page-aligned bytes)");
            }
        }
    }

    /** Removes element {@code index} in O(1) (order does not matter). */
    static <T> T removeRandom(List<T> list, int index) {
        T element = list.get(index);
        T last = list.remove(list.size() - 1);
        if (index < list.size()) {
            list.set(index, last);
        }
        return element;
    }
}
