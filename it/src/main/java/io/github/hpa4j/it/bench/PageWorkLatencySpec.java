package io.github.hpa4j.it.bench;

/**
 * The latency-under-page-work workload.
 *
 * @param phaseMillis     how long the probe runs on the idle shard, and again while it churns
 * @param workingSetBytes what the churn allocates, hugifies, frees and purges, cycle after cycle
 */
record PageWorkLatencySpec(long phaseMillis, long workingSetBytes) {}
