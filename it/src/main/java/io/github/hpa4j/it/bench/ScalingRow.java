package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.jmh.ShardScalingBenchmark;

/**
 * One {@link ShardScalingBenchmark} result.
 *
 * @param pairsPerSec all threads together
 */
record ScalingRow(int shards, boolean cache, int threads, double pairsPerSec, double p50Nanos, double p99Nanos) {
    /** The size every scaling row allocates: above a single page, within the front cache's classes. */
    static final int SIZE = 16384;
}
