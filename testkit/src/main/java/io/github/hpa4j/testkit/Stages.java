package io.github.hpa4j.testkit;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting on a {@link CompletionStage} in a test: every outcome the test did not expect becomes an
 * {@link AssertionError} that says what happened instead, so a test reads as one line per call.
 */
public final class Stages {
    /** How long a test waits, by default, for a call it expects to complete. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Stages() {}

    /**
     * The stage's value, waiting at most {@link #TIMEOUT}.
     *
     * @param stage the call's stage
     * @param <T> the value's type
     * @return the value it completed with
     * @throws AssertionError if it fails (with the unwrapped cause), takes too long or is interrupted
     */
    public static <T> T get(CompletionStage<T> stage) {
        return get(stage, TIMEOUT);
    }

    /**
     * The stage's value, waiting at most {@code timeout}.
     *
     * @param stage the call's stage
     * @param timeout how long to wait
     * @param <T> the value's type
     * @return the value it completed with
     * @throws AssertionError if it fails (with the unwrapped cause), takes too long or is interrupted
     */
    public static <T> T get(CompletionStage<T> stage, Duration timeout) {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("expected success, got " + unwrap(e), unwrap(e));
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + timeout, e);
        }
    }

    /**
     * The cause the stage failed with, waiting at most {@link #TIMEOUT}.
     *
     * @param stage the call's stage
     * @return the failure, unwrapped
     * @throws AssertionError if it succeeds, takes too long or is interrupted
     */
    public static Throwable failureOf(CompletionStage<?> stage) {
        return failureOf(stage, TIMEOUT);
    }

    /**
     * The cause the stage failed with, waiting at most {@code timeout}.
     *
     * @param stage the call's stage
     * @param timeout how long to wait
     * @return the failure, unwrapped
     * @throws AssertionError if it succeeds, takes too long or is interrupted
     */
    public static Throwable failureOf(CompletionStage<?> stage, Duration timeout) {
        Object value;
        try {
            value = stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            return unwrap(e);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + timeout, e);
        }
        throw new AssertionError("expected a failure, but the call succeeded with " + value);
    }

    /**
     * Strips the wrappers stages add.
     *
     * @param t a failure as a stage or a future reports it
     * @return the first cause that is neither a {@link CompletionException} nor an {@link
     *     ExecutionException}
     */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
