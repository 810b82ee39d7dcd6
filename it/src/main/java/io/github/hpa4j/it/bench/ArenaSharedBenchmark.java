package io.github.hpa4j.it.bench;

import java.lang.foreign.Arena;

/** {@code Arena.ofShared()}: close runs a handshake with every thread, to be safe against concurrent access. */
public class ArenaSharedBenchmark extends ArenaBenchmark {
    @Override
    Arena open() {
        return Arena.ofShared();
    }
}
