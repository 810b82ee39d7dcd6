package io.github.hpa4j.core;

import java.util.Objects;

/**
 * Page hooks that pass every call on to other hooks, the real OS calls mostly: a subclass overrides
 * only the calls it watches, counts or changes, and ends each with {@code super} to make the call.
 * Thread-safe as far as the hooks behind it are.
 */
public abstract class ForwardingPageHooks implements PageHooks {
    private final PageHooks delegate;

    /**
     * Hooks that pass their calls on to {@code delegate}.
     *
     * @param delegate the hooks that make the calls
     */
    protected ForwardingPageHooks(PageHooks delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** {@return the hooks these pass their calls on to} */
    public final PageHooks delegate() {
        return delegate;
    }

    @Override
    public long map(long size) {
        return delegate.map(size);
    }

    @Override
    public void unmap(long address, long size) {
        delegate.unmap(address, size);
    }

    @Override
    public void purge(long address, long size) {
        delegate.purge(address, size);
    }

    @Override
    public void hugify(long address, long size) {
        delegate.hugify(address, size);
    }

    @Override
    public void dehugify(long address, long size) {
        delegate.dehugify(address, size);
    }
}
