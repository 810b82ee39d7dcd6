package io.github.hpa4j.core;

/**
 * Page hooks that pass every call on to other hooks (a {@link RecordingHooks}, mostly): a test
 * overrides the calls it checks against its own shadow state and ends each with {@code super}.
 */
class ForwardingHooks implements PageHooks {
    private final PageHooks delegate;

    ForwardingHooks(PageHooks delegate) {
        this.delegate = delegate;
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
