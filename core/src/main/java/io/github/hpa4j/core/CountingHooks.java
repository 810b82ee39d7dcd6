package io.github.hpa4j.core;

/** Counts the calls and bytes that pass through to the OS, for the large allocator's stats. */
final class CountingHooks extends ForwardingPageHooks {
    long maps;
    long mappedBytes;
    long unmaps;
    long unmappedBytes;
    long purges;
    long purgedBytes;
    long hugifies;
    long dehugifies;

    CountingHooks(PageHooks delegate) {
        super(delegate);
    }

    @Override
    public long map(long size) {
        long address = super.map(size);
        maps++;
        mappedBytes += size;
        return address;
    }

    @Override
    public void unmap(long address, long size) {
        super.unmap(address, size);
        unmaps++;
        unmappedBytes += size;
    }

    @Override
    public void purge(long address, long size) {
        super.purge(address, size);
        purges++;
        purgedBytes += size;
    }

    @Override
    public void hugify(long address, long size) {
        super.hugify(address, size);
        hugifies++;
    }

    @Override
    public void dehugify(long address, long size) {
        super.dehugify(address, size);
        dehugifies++;
    }
}
