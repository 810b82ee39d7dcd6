package io.github.hpa4j.bridge;

/**
 * What a {@link CountedPageHooks} did so far. Calls and bytes count successful calls only; a call that
 * threw counts in {@code errors} instead. Hugify and dehugify calls are counted even when the style
 * makes them no-ops. {@code collapses} and {@code collapseFailures} count {@code MADV_COLLAPSE}
 * outcomes ({@link HugifyStyle#COLLAPSE} only).
 *
 * @param mapCalls         successful maps
 * @param mapBytes         bytes mapped
 * @param unmapCalls       successful unmaps
 * @param unmapBytes       bytes unmapped
 * @param purgeCalls       successful purges
 * @param purgeBytes       bytes purged
 * @param hugifyCalls      hugify calls, no-ops included
 * @param hugifyBytes      bytes asked to be hugified
 * @param dehugifyCalls    dehugify calls, no-ops included
 * @param dehugifyBytes    bytes asked to be dehugified
 * @param collapses        {@code MADV_COLLAPSE} calls that succeeded
 * @param collapseFailures {@code MADV_COLLAPSE} calls the kernel refused
 * @param errors           calls of any kind that threw
 */
public record PageHookStats(
        long mapCalls,
        long mapBytes,
        long unmapCalls,
        long unmapBytes,
        long purgeCalls,
        long purgeBytes,
        long hugifyCalls,
        long hugifyBytes,
        long dehugifyCalls,
        long dehugifyBytes,
        long collapses,
        long collapseFailures,
        long errors) {}
