package io.github.hpa4j.bridge;

import io.github.hpa4j.core.PageHooks;

/** Page hooks that count what they did. Safe to call from several threads on different ranges. */
public interface CountedPageHooks extends PageHooks {
    /** {@return a consistent-enough snapshot: each counter is read once, not all atomically together} */
    PageHookStats stats();

    /** {@return whether this implementation changes real THP state (false for the portable fallback)} */
    boolean backsHugepages();
}
