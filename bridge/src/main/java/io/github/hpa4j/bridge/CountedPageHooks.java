package io.github.hpa4j.bridge;

import io.github.hpa4j.core.PageHooks;

/** Page hooks that count what they did. Safe to call from several threads on different ranges. */
public interface CountedPageHooks extends PageHooks {
    /** A consistent-enough snapshot: each counter is read once, not all atomically together. */
    PageHookStats stats();

    /** Whether this implementation changes real THP state (false for the portable fallback). */
    boolean backsHugepages();
}
