package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.workload.MemoryTimeline;
import java.util.List;
import java.util.Map;

/**
 * Everything one suite run measured, for {@link BenchmarkReport}.
 *
 * @param jemallocRuns   per jemalloc configuration id, which library its check run called, or why
 *                       there was none
 * @param pageWorkLatency null when the section did not run
 * @param everySize      pairs of the small and large sizes
 * @param front          the churn behind the caches and the heap bytes per cached pair
 */
record SuiteResults(
        List<SpeedRow> speed,
        Map<String, String> jemallocRuns,
        List<ScalingRow> scaling,
        List<MemoryResult> memory,
        List<MemoryTimeline> timelines,
        MemoryResult pageWorkLatency,
        List<MemoryResult> randomAccess,
        List<MemoryResult> mixedSizes,
        List<SpeedRow> everySize,
        FrontSuite.Results front,
        List<SectionLog.Entry> sections) {}
