package io.github.hpa4j.core;

import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * jemalloc's {@code bin_t}: the slabs of one size class. Regions come from {@code slabcur} until
 * it is full, then from the oldest, lowest non-full slab ({@code slabs_nonfull}, a heap ordered by
 * {@code edata_snad_comp}), then from a fresh slab. Packing into old, low slabs lets young ones
 * drain and go back to the page allocator.
 */
final class Bin {
    /** edata_snad_comp: serial number, then address. */
    static final Comparator<BinSlab> SNAD =
            Comparator.comparingLong(BinSlab::serial).thenComparingLong(BinSlab::address);

    final int index;
    BinSlab slabcur;
    final TreeSet<BinSlab> nonfull = new TreeSet<>(SNAD);
    /* jemalloc tracks full slabs only in debug builds, for arena reset; hpa4j needs them at destroy. */
    final Set<BinSlab> full = Collections.newSetFromMap(new IdentityHashMap<>());

    long nmalloc;
    long ndalloc;
    long curregs;
    long curslabs;
    long nslabs;
    long nreslabs;
    long nfills;
    long requestedBytes;

    Bin(int index) {
        this.index = index;
    }

    /** arena_bin_refill_slabcur_no_fresh_slab: the current slab, or the best non-full one; null if none. */
    BinSlab slabWithRoom() {
        if (slabcur != null && !slabcur.full()) {
            return slabcur;
        }
        if (slabcur != null) {
            full.add(slabcur);
        }
        slabcur = nonfull.pollFirst();
        if (slabcur != null) {
            nreslabs++;
        }
        return slabcur;
    }

    /** A fresh slab becomes the current one (arena_bin_refill_slabcur_with_fresh_slab). */
    void installFresh(BinSlab slab) {
        assert slabcur == null || slabcur.full();
        if (slabcur != null) {
            full.add(slabcur);
        }
        slabcur = slab;
        curslabs++;
        nslabs++;
    }

    /**
     * After a region of {@code slab} was freed: the part of arena_dalloc_bin_locked_step that files
     * the slab. Returns true if the slab is now empty and has left the bin, for the caller to give
     * back.
     */
    boolean afterFree(BinSlab slab) {
        if (slab.empty()) {
            dissociate(slab);
            curslabs--;
            return true;
        }
        if (slab.nfree() == 1 && slab != slabcur) {
            full.remove(slab);
            lower(slab);
        }
        return false;
    }

    /** arena_dissociate_bin_slab. */
    private void dissociate(BinSlab slab) {
        if (slab == slabcur) {
            slabcur = null;
        } else if (slab.nregs() == 1) {
            full.remove(slab);
        } else {
            nonfull.remove(slab);
        }
    }

    /**
     * arena_bin_lower_slab: a slab that was full has room again. If it is older or lower than
     * slabcur it becomes slabcur, so that slabcur is always the best slab to fill; it is fine to
     * leave slabcur pointing elsewhere otherwise, since the next refill takes the best non-full one.
     */
    private void lower(BinSlab slab) {
        if (slabcur != null && SNAD.compare(slabcur, slab) > 0) {
            if (slabcur.full()) {
                full.add(slabcur);
            } else {
                nonfull.add(slabcur);
            }
            slabcur = slab;
            nreslabs++;
        } else {
            nonfull.add(slab);
        }
    }

    SmallClassStats stats() {
        int size = SmallSizeClasses.indexToSize(index);
        return new SmallClassStats(
                size,
                SmallSizeClasses.slabPages(index),
                SmallSizeClasses.regionsPerSlab(index),
                nmalloc,
                ndalloc,
                curregs,
                curslabs,
                nslabs,
                nreslabs,
                nfills,
                requestedBytes,
                nmalloc * size - requestedBytes);
    }
}
