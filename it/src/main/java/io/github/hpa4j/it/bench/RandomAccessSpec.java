package io.github.hpa4j.it.bench;

import java.util.List;

/**
 * The random-access workload's size.
 *
 * @param workingSets  bytes per run, powers of two
 * @param accesses     timed accesses per pattern (a tenth more as warm-up)
 * @param settleMillis between filling the working set and the first loop: longer than hpa4j's 10 s
 *                     hugify delay, so that its slabs are hugified, and the same for every allocator
 */
record RandomAccessSpec(List<Long> workingSets, long accesses, long settleMillis) {}
