package io.github.hpa4j.it;

import java.util.List;

/**
 * Decides which failed calls a client accepts (a fault test expects some) and counts them. Called
 * from client threads and actors concurrently; implementations must be thread-safe. By default no
 * failure is accepted: the client stops and its test fails with the error.
 */
interface ClientObserver {
    ClientObserver STRICT = new ClientObserver() {};

    /** An allocate call for {@code count} extents of {@code bytes} failed; true to go on. */
    default boolean allocateFailed(Throwable error, long bytes, int count) {
        return false;
    }

    /** A free call of {@code freed} (already released from the ledger) failed; true to go on. */
    default boolean freeFailed(Throwable error, List<PatternLedger.Tracked> freed) {
        return false;
    }
}
