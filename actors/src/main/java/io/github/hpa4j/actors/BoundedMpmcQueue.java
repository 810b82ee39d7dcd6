package io.github.hpa4j.actors;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Dmitry Vyukov's bounded multi-producer multi-consumer array queue: lock-free, and garbage-free
 * once built. Each cell carries a sequence number that says whose turn it is, so a producer and a
 * consumer contend only on the cursor they move (one CAS each) and never on a cell.
 *
 * <p>The JDK has no bounded lock-free queue, and Agrona's needs {@code jdk.internal.misc} exported,
 * one more JVM flag for every application; this is the same algorithm in VarHandles.
 */
final class BoundedMpmcQueue<E> {
    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(BoundedMpmcQueue.class, "head", long.class);
            TAIL = lookup.findVarHandle(BoundedMpmcQueue.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] sequences;
    private final Object[] elements;
    private final int mask;
    /* Producers' cursor and consumers' cursor, apart so that the two sides do not share a line. */
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    private volatile long tail;
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;
    private volatile long head;
    @SuppressWarnings("unused")
    private long p21, p22, p23, p24, p25, p26, p27;

    /** A queue of at least {@code capacity} elements (rounded up to a power of two, at least 2). */
    BoundedMpmcQueue(int capacity) {
        int size = Math.max(2, Integer.highestOneBit(Math.max(1, capacity - 1)) << 1);
        this.sequences = new long[size];
        this.elements = new Object[size];
        this.mask = size - 1;
        for (int i = 0; i < size; i++) {
            sequences[i] = i;
        }
    }

    int capacity() {
        return mask + 1;
    }

    /** Adds {@code e} unless the queue is full. */
    boolean offer(E e) {
        long pos = (long) TAIL.getOpaque(this);
        for (; ; ) {
            int cell = (int) pos & mask;
            long seq = (long) SEQUENCE.getAcquire(sequences, cell);
            long dif = seq - pos;
            if (dif == 0) {
                if (TAIL.weakCompareAndSet(this, pos, pos + 1)) {
                    ELEMENT.set(elements, cell, e);
                    SEQUENCE.setRelease(sequences, cell, pos + 1);
                    return true;
                }
                pos = (long) TAIL.getOpaque(this);
            } else if (dif < 0) {
                return false;
            } else {
                pos = (long) TAIL.getOpaque(this);
            }
        }
    }

    /** Takes the oldest element, or null when the queue is empty. */
    @SuppressWarnings("unchecked")
    E poll() {
        long pos = (long) HEAD.getOpaque(this);
        for (; ; ) {
            int cell = (int) pos & mask;
            long seq = (long) SEQUENCE.getAcquire(sequences, cell);
            long dif = seq - (pos + 1);
            if (dif == 0) {
                if (HEAD.weakCompareAndSet(this, pos, pos + 1)) {
                    E e = (E) ELEMENT.get(elements, cell);
                    ELEMENT.set(elements, cell, null);
                    SEQUENCE.setRelease(sequences, cell, pos + mask + 1);
                    return e;
                }
                pos = (long) HEAD.getOpaque(this);
            } else if (dif < 0) {
                return null;
            } else {
                pos = (long) HEAD.getOpaque(this);
            }
        }
    }

    /** Elements in the queue now; exact only while nobody offers or polls. */
    int size() {
        long size = tail - head;
        return (int) Math.max(0, Math.min(size, capacity()));
    }
}
