package io.github.hpa4j.it.bench.jmh;

import java.lang.foreign.Arena;

/** {@code Arena.ofConfined()}: close is cheap, the arena belongs to one thread. */
public class ArenaConfinedBenchmark extends ArenaBenchmark {
    // A factory: ArenaBenchmark closes the arena it opens, in the benchmark it times.
    @SuppressWarnings("MustBeClosedChecker")
    @Override
    Arena open() {
        return Arena.ofConfined();
    }
}
