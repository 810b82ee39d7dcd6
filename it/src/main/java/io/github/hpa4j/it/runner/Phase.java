package io.github.hpa4j.it.runner;

import java.util.Locale;

/** The workload's phases, in the order they run. */
public enum Phase {
    /** Allocate until the working set is live: slabs fill, and dense ones become hugify candidates. */
    GROW,
    /** Replace random allocations by new ones of random sizes: holes, dirty pages, purges, hugifies. */
    CHURN,
    /** Free most of the working set at once: dirty pages pile up far beyond the dirty limit. */
    FREE,
    /** Do nothing for at least one purge interval, so the background timer gives memory back. */
    IDLE;

    /** The lower-case name used in progress lines, the report and the chart. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
