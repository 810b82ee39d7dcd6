package io.github.hpa4j.it.bench.jmh;

import java.lang.foreign.Arena;

/** {@code Arena.ofShared()}: close runs a handshake with every thread, to be safe against concurrent access. */
public class ArenaSharedBenchmark extends ArenaBenchmark {
    // A factory: ArenaBenchmark closes the arena it opens, in the benchmark it times.
    @SuppressWarnings("MustBeClosedChecker")
    @Override
    Arena open() {
        return Arena.ofShared();
    }
}
