package io.github.hpa4j.it.bench;

/** The workload shapes of the issue, shared by every speed benchmark so that rows compare. */
public final class Shapes {
    /** Allocations per batch: one message (or one lock hold, one arena) carries this many. */
    public static final int BATCH = 64;
    /** Alloc+free pairs one actor-loop invocation runs; amortises the JMH thread's hand-off to under 1 %. */
    public static final int LOOP_PAIRS = 1000;
    /** Batches one actor-loop invocation runs. */
    public static final int LOOP_BATCHES = 100;

    private Shapes() {}
}
