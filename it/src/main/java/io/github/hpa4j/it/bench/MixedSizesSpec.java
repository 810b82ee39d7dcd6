package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.workload.MixedSizesWorkload;

/**
 * The mixed-size workload: sizes log-uniform from {@link MixedSizesWorkload#MIN} to
 * {@link MixedSizesWorkload#MAX} (as many 16-byte requests as 1-MiB ones per doubling).
 *
 * @param seed      the same sizes for every allocator
 * @param pairs     timed alloc+touch+free operations against a ring of live blocks
 * @param liveBytes the working set grown for the memory reading
 * @param waitMillis how long after the big free the final reading waits
 */
record MixedSizesSpec(long seed, int pairs, long liveBytes, long waitMillis) {}
