package io.github.hpa4j.bridge;

/**
 * What a {@link CountedPageHooks} did so far. Calls and bytes count successful calls only; a call that
 * threw counts in {@code errors} instead. Hugify and dehugify calls are counted even when the style
 * makes them no-ops. {@code collapses} and {@code collapseFailures} count {@code MADV_COLLAPSE}
 * outcomes ({@link HugifyStyle#COLLAPSE} only).
 */
public record PageHookStats(
        long mapCalls, long mapBytes,
        long unmapCalls, long unmapBytes,
        long purgeCalls, long purgeBytes,
        long hugifyCalls, long hugifyBytes,
        long dehugifyCalls, long dehugifyBytes,
        long collapses, long collapseFailures,
        long errors) {
}
