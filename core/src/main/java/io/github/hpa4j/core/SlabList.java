package io.github.hpa4j.core;

/**
 * An intrusive doubly linked list of slabs, jemalloc's {@code ql} lists: the links live in the slab
 * (one pair per list kind), so adding and removing allocate nothing and removal is O(1). A slab is
 * on at most one list of each kind.
 */
final class SlabList {
    static final int EMPTY = 0;
    static final int PURGE = 1;
    static final int HUGIFY = 2;
    static final int KINDS = 3;

    private final int kind;
    private PageSlab head;
    private PageSlab tail;
    private int size;

    SlabList(int kind) {
        this.kind = kind;
    }

    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return size;
    }

    /** The head, or null. */
    PageSlab first() {
        return head;
    }

    PageSlab next(PageSlab slab) {
        return slab.listNext[kind];
    }

    void append(PageSlab slab) {
        assert unlinked(slab);
        slab.listPrev[kind] = tail;
        if (tail == null) {
            head = slab;
        } else {
            tail.listNext[kind] = slab;
        }
        tail = slab;
        size++;
    }

    void prepend(PageSlab slab) {
        assert unlinked(slab);
        slab.listNext[kind] = head;
        if (head == null) {
            tail = slab;
        } else {
            head.listPrev[kind] = slab;
        }
        head = slab;
        size++;
    }

    void remove(PageSlab slab) {
        PageSlab prev = slab.listPrev[kind];
        PageSlab next = slab.listNext[kind];
        assert prev != null || head == slab : "slab is not on this list";
        if (prev == null) {
            head = next;
        } else {
            prev.listNext[kind] = next;
        }
        if (next == null) {
            tail = prev;
        } else {
            next.listPrev[kind] = prev;
        }
        slab.listPrev[kind] = null;
        slab.listNext[kind] = null;
        size--;
    }

    private boolean unlinked(PageSlab slab) {
        return slab.listPrev[kind] == null && slab.listNext[kind] == null && head != slab;
    }
}
