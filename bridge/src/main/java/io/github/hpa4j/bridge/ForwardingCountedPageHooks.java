package io.github.hpa4j.bridge;

import io.github.hpa4j.core.ForwardingPageHooks;

/**
 * Counted page hooks that pass every call on to other counted hooks, and report their counters: a
 * subclass watches or changes the calls it overrides while the stats stay those of the real calls.
 */
public abstract class ForwardingCountedPageHooks extends ForwardingPageHooks implements CountedPageHooks {
    private final CountedPageHooks counted;

    /**
     * Hooks that pass their calls on to {@code delegate}.
     *
     * @param delegate the hooks that make and count the calls
     */
    protected ForwardingCountedPageHooks(CountedPageHooks delegate) {
        super(delegate);
        this.counted = delegate;
    }

    @Override
    public PageHookStats stats() {
        return counted.stats();
    }

    @Override
    public boolean backsHugepages() {
        return counted.backsHugepages();
    }
}
