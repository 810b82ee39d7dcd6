package io.github.hpa4j.it;

import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
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
    private final Hpa4j hpa4j;
    private final ClientBook book;
    private final BooleanSupplier stop;

    FacadeClient(Hpa4j hpa4j, ClientBook book, BooleanSupplier stop) {
        this.hpa4j = hpa4j;
        this.book = book;
        this.stop = stop;
    }

    @Override
    public ClientResult call() {
        try {
            while (!stop.getAsBoolean()) {
                switch (book.next(0)) {
                    case ALLOCATE -> allocate();
                    case FREE -> free();
                    case STOP -> {
                        return book.result();
                    }
                }
            }
            return book.result();
        } catch (Throwable t) {
            throw book.failure(t);
        }
    }

    private void allocate() throws InterruptedException {
        ClientBook.Allocate call = book.allocate();
        CompletionStage<List<Allocation>> stage = call.single()
                ? hpa4j.allocate(call.bytes()).thenApply(List::of)
                : hpa4j.allocateBatch(call.bytes(), call.count());
        List<Allocation> got;
        try {
            got = await(stage);
        } catch (ExecutionException e) {
            Throwable error = It.unwrap(e);
            if (book.tolerates(call, error)) {
                return;
            }
            throw new AssertionError(
                    "allocate(" + call.bytes() + " bytes x " + call.count() + ") failed: " + error, error);
        }
        book.allocated(call, got);
    }

    private void free() throws InterruptedException {
        ClientBook.Free call = book.free();
        CompletionStage<Void> stage =
                call.single() ? hpa4j.free(call.allocations().get(0)) : hpa4j.freeBatch(call.allocations());
        try {
            await(stage);
        } catch (ExecutionException e) {
            Throwable error = It.unwrap(e);
            if (!book.tolerates(call, error)) {
                throw new AssertionError("free of " + call.freed() + " failed: " + error, error);
            }
        }
        book.answered(call);
    }

    private static <T> T await(CompletionStage<T> stage) throws InterruptedException, ExecutionException {
        try {
            return stage.toCompletableFuture().get(It.CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(
                    "no answer within " + It.CALL_TIMEOUT + " (the facade's own ask timeout did not fire)");
        }
    }
}
