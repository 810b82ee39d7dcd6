package io.github.hpa4j.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Fake OS for core tests, like jemalloc's defer_test_* hooks: hands out increasing hugepage-aligned
 * addresses without mapping anything, records every call, and fails the calls a test asks it to.
 */
final class RecordingHooks implements PageHooks {
    record Call(String op, long address, long size) {}

    private long nextAddress = 1L << 40;
    final List<Call> calls = new ArrayList<>();
    boolean failMap;
    boolean failPurge;
    boolean failHugify;
    boolean failDehugify;

    @Override
    public long map(long size) {
        if (failMap) {
            calls.add(new Call("map-failed", 0, size));
            throw new PageOperationException("mmap", 0, size, "ENOMEM", "injected");
        }
        long address = nextAddress;
        nextAddress += size;
        calls.add(new Call("map", address, size));
        return address;
    }

    @Override
    public void unmap(long address, long size) {
        calls.add(new Call("unmap", address, size));
    }

    @Override
    public void purge(long address, long size) {
        advise("purge", "madvise(MADV_DONTNEED)", failPurge, address, size);
    }

    @Override
    public void hugify(long address, long size) {
        advise("hugify", "madvise(MADV_HUGEPAGE)", failHugify, address, size);
    }

    @Override
    public void dehugify(long address, long size) {
        advise("dehugify", "madvise(MADV_NOHUGEPAGE)", failDehugify, address, size);
    }

    /* A failed madvise is not recorded: the range is as it was before the call. */
    private void advise(String op, String syscall, boolean fail, long address, long size) {
        if (fail) {
            throw new PageOperationException(syscall, address, size, "EINVAL", "injected");
        }
        calls.add(new Call(op, address, size));
    }

    long count(String op) {
        return calls.stream().filter(c -> c.op.equals(op)).count();
    }

    long bytes(String op) {
        return calls.stream().filter(c -> c.op.equals(op)).mapToLong(Call::size).sum();
    }

    void reset() {
        calls.clear();
    }
}
