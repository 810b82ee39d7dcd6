package io.github.hpa4j.it.bench;

/**
 * One speed result.
 *
 * @param benchmark         {@code Class.method}
 * @param subject           who is measured
 * @param batch             a batch of 64 (else an alloc+free pair)
 * @param size              bytes per allocation (0 for the floors)
 * @param threads           JMH threads
 * @param invocationsPerSec pairs or batches per second, all threads together
 * @param p50Nanos          one pair or one batch (both directions), median
 * @param p99Nanos          the same, 99th percentile
 */
record SpeedRow(
        String benchmark,
        Subject subject,
        boolean batch,
        int size,
        int threads,
        double invocationsPerSec,
        double p50Nanos,
        double p99Nanos) {

    /** Allocations (batch rows) or pairs (pair rows) per second. */
    double opsPerSec() {
        return batch ? invocationsPerSec * Shapes.BATCH : invocationsPerSec;
    }

    /** The benchmarked things, in report order. */
    enum Subject {
        HPA_CACHED("hpa4j facade + front cache"),
        HPA_LEASE("hpa4j lease + front cache"),
        HPA_ASK("hpa4j ask facade"),
        HPA_ACTOR("hpa4j actor client (tell)"),
        HPA_CORE_LOCK("hpa4j core + one lock"),
        NETTY("Netty pooled direct"),
        ALLOCATE_DIRECT("ByteBuffer.allocateDirect"),
        ARENA_CONFINED("Arena.ofConfined"),
        ARENA_SHARED("Arena.ofShared"),
        JEMALLOC_HPA_68K(JemallocConfig.HPA_68K.label()),
        JEMALLOC_HPA(JemallocConfig.HPA.label()),
        JEMALLOC_OFF(JemallocConfig.OFF.label()),
        ASK_ECHO("Akka ask echo (floor)"),
        PING_PONG("Akka actor ping-pong (floor)");

        final String label;

        Subject(String label) {
            this.label = label;
        }

        boolean jemalloc() {
            return this == JEMALLOC_HPA_68K || this == JEMALLOC_HPA || this == JEMALLOC_OFF;
        }

        static Subject ofJemalloc(JemallocConfig config) {
            return config.equals(JemallocConfig.HPA_68K)
                    ? JEMALLOC_HPA_68K
                    : config.equals(JemallocConfig.HPA) ? JEMALLOC_HPA : JEMALLOC_OFF;
        }

        boolean floor() {
            return this == ASK_ECHO || this == PING_PONG;
        }

        static Subject ofBenchmark(String simpleName, String jemallocParam) {
            return simpleName.equals("JemallocBenchmark")
                    ? ofJemalloc(JemallocConfig.byId(jemallocParam))
                    : ofBenchmarkClass(simpleName);
        }

        static Subject ofBenchmarkClass(String simpleName) {
            return switch (simpleName) {
                case "HpaCachedBenchmark" -> HPA_CACHED;
                case "HpaLeaseBenchmark" -> HPA_LEASE;
                case "HpaAskBenchmark" -> HPA_ASK;
                case "HpaActorClientBenchmark" -> HPA_ACTOR;
                case "CoreLockBenchmark" -> HPA_CORE_LOCK;
                case "NettyPooledBenchmark" -> NETTY;
                case "AllocateDirectBenchmark" -> ALLOCATE_DIRECT;
                case "ArenaConfinedBenchmark" -> ARENA_CONFINED;
                case "ArenaSharedBenchmark" -> ARENA_SHARED;
                case "AskEchoBenchmark" -> ASK_ECHO;
                case "PingPongBenchmark" -> PING_PONG;
                default -> throw new IllegalArgumentException("benchmark class not in the report: " + simpleName);
            };
        }
    }
}
