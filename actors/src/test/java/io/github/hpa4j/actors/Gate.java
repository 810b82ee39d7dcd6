package io.github.hpa4j.actors;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Holds calls of one kind of page operation until the test opens it again, so that a test can keep a
 * purge "in flight" or keep eden's map blocked while it sends more messages. Open by default.
 * Thread-safe: eden and the page workers pass through it on the blocking dispatcher.
 */
final class Gate {
    /** A safety net: a held call gives up after this, so a failing test cannot hang the build. */
    private static final Duration HOLD_LIMIT = Duration.ofSeconds(20);

    private volatile CountDownLatch closed;
    private final Semaphore entered = new Semaphore(0);

    /** Calls from now on wait in {@link #pass()} until {@link #open()}. */
    synchronized void close() {
        if (closed == null) {
            closed = new CountDownLatch(1);
        }
    }

    /** Lets every waiting call (and every later one) through. */
    synchronized void open() {
        CountDownLatch latch = closed;
        closed = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Called by the fake hooks: returns at once when open, else waits for {@link #open()}. */
    void pass() {
        CountDownLatch latch = closed;
        if (latch == null) {
            return;
        }
        entered.release();
        try {
            if (!latch.await(HOLD_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("gate not opened within " + HOLD_LIMIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while held at a gate", e);
        }
    }

    /** Waits until {@code calls} more calls have arrived at the closed gate; false on timeout. */
    boolean awaitHeld(int calls, Duration timeout) throws InterruptedException {
        return entered.tryAcquire(calls, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
