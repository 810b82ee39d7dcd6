package io.github.hpa4j.core;

/** jemalloc's {@code psset_bin_stats_t}: the slabs of one bin and their active and dirty pages. */
public final class BinStats {
    private long npageslabs;
    private long nactive;
    private long ndirty;

    /** Empty stats: no slab. */
    public BinStats() {}

    /**
     * Stats with the given counts.
     *
     * @param npageslabs slabs in the bin
     * @param nactive    active pages over those slabs
     * @param ndirty     dirty pages over those slabs
     */
    public BinStats(long npageslabs, long nactive, long ndirty) {
        this.npageslabs = npageslabs;
        this.nactive = nactive;
        this.ndirty = ndirty;
    }

    /** {@return slabs in the bin} */
    public long npageslabs() {
        return npageslabs;
    }

    /** {@return active pages over the bin's slabs} */
    public long nactive() {
        return nactive;
    }

    /** {@return dirty pages over the bin's slabs} */
    public long ndirty() {
        return ndirty;
    }

    /**
     * psset_bin_stats_accum.
     *
     * @param other the stats added to these
     */
    public void accumulate(BinStats other) {
        npageslabs += other.npageslabs;
        nactive += other.nactive;
        ndirty += other.ndirty;
    }

    void add(PageSlab slab, int sign) {
        npageslabs += sign;
        nactive += (long) sign * slab.nactive();
        ndirty += (long) sign * slab.ndirty();
    }

    BinStats copy() {
        return new BinStats(npageslabs, nactive, ndirty);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinStats b && b.npageslabs == npageslabs && b.nactive == nactive && b.ndirty == ndirty;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(npageslabs) * 961 + Long.hashCode(nactive) * 31 + Long.hashCode(ndirty);
    }

    @Override
    public String toString() {
        return "{slabs=" + npageslabs + " active=" + nactive + " dirty=" + ndirty + "}";
    }
}
