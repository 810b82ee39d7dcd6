package io.github.hpa4j.actors;

import io.github.hpa4j.core.PageHooks;
import io.github.hpa4j.core.PageOperationException;
import io.github.hpa4j.core.Pages;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake OS for the actors, like jemalloc's {@code defer_test_*} hooks but thread-safe (eden and the
 * page workers call it from the blocking dispatcher, the shards from theirs): hands out
 * hugepage-aligned addresses without mapping anything, records every call, fails calls on demand
 * and holds calls of an operation behind a {@link Gate}.
 *
 * <p>No memory is behind the addresses: never touch {@link Allocation#segment()} with these hooks.
 */
final class FakePageHooks implements PageHooks {
    enum Op {
        MAP,
        UNMAP,
        PURGE,
        HUGIFY,
        DEHUGIFY
    }

    /** One call; {@code failed} when it threw. */
    record Call(Op op, long address, long size, boolean failed) {}

    /* One address space for every instance, as in a process: two allocators never share an address. */
    private static final AtomicLong nextAddress = new AtomicLong(1L << 40);
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<Op, Gate> gates = new EnumMap<>(Op.class);
    private final Map<Op, AtomicInteger> failNext = new EnumMap<>(Op.class);

    FakePageHooks() {
        for (Op op : Op.values()) {
            gates.put(op, new Gate());
            failNext.put(op, new AtomicInteger());
        }
    }

    /** The gate calls of {@code op} pass through. */
    Gate gate(Op op) {
        return gates.get(op);
    }

    /** The next {@code n} calls of {@code op} fail with a {@link PageOperationException}. */
    void failNext(Op op, int n) {
        failNext.get(op).set(n);
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(Op op) {
        return calls.stream().filter(c -> c.op() == op && !c.failed()).toList();
    }

    long count(Op op) {
        return calls(op).size();
    }

    long failures(Op op) {
        return calls.stream().filter(c -> c.op() == op && c.failed()).count();
    }

    long bytes(Op op) {
        return calls(op).stream().mapToLong(Call::size).sum();
    }

    @Override
    public long map(long size) {
        enter(Op.MAP, 0, size);
        long rounded = (size + Pages.HUGEPAGE_MASK) & ~Pages.HUGEPAGE_MASK;
        long address = nextAddress.getAndAdd(rounded + Pages.HUGEPAGE); // a gap between regions
        calls.add(new Call(Op.MAP, address, size, false));
        return address;
    }

    @Override
    public void unmap(long address, long size) {
        call(Op.UNMAP, address, size);
    }

    @Override
    public void purge(long address, long size) {
        call(Op.PURGE, address, size);
    }

    @Override
    public void hugify(long address, long size) {
        call(Op.HUGIFY, address, size);
    }

    @Override
    public void dehugify(long address, long size) {
        call(Op.DEHUGIFY, address, size);
    }

    private void call(Op op, long address, long size) {
        enter(op, address, size);
        calls.add(new Call(op, address, size, false));
    }

    /* Waits at the op's gate, then fails the call if one of the next failures is due. */
    private void enter(Op op, long address, long size) {
        gates.get(op).pass();
        if (failNext.get(op).getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            calls.add(new Call(op, address, size, true));
            throw new PageOperationException(
                    op.name().toLowerCase(Locale.ROOT), address, size, "EINVAL", "injected by the test");
        }
    }
}
