package io.github.hpa4j.core;

/**
 * jemalloc's {@code psset_stats_t}: bin stats for full, empty and non-full slabs (the latter by the
 * page size class of their longest free range), each split into non-huge ({@code huge == false})
 * and huge slabs.
 */
public final class PageSlabSetStats {
    private final BinStats[][] nonfull = new BinStats[PageSizeClasses.NPSIZES][2];
    private final BinStats[] fullSlabs = {new BinStats(), new BinStats()};
    private final BinStats[] emptySlabs = {new BinStats(), new BinStats()};

    /** Empty stats: no slab in any bin. */
    public PageSlabSetStats() {
        for (BinStats[] pair : nonfull) {
            pair[0] = new BinStats();
            pair[1] = new BinStats();
        }
    }

    /**
     * {@return the stats of the non-full bin {@code pszind}, huge or not}
     *
     * @param pszind a page size class index
     * @param huge   the huge slabs' bin, or the non-huge one
     */
    public BinStats nonfull(int pszind, boolean huge) {
        return nonfull[pszind][huge ? 1 : 0];
    }

    /**
     * {@return the stats of the full slabs, huge or not}
     *
     * @param huge the huge slabs, or the non-huge ones
     */
    public BinStats full(boolean huge) {
        return fullSlabs[huge ? 1 : 0];
    }

    /**
     * {@return the stats of the empty slabs, huge or not}
     *
     * @param huge the huge slabs, or the non-huge ones
     */
    public BinStats empty(boolean huge) {
        return emptySlabs[huge ? 1 : 0];
    }

    /** {@return the sum over every bin} */
    public BinStats merged() {
        BinStats sum = new BinStats();
        for (int huge = 0; huge <= 1; huge++) {
            sum.accumulate(fullSlabs[huge]);
            sum.accumulate(emptySlabs[huge]);
            for (BinStats[] pair : nonfull) {
                sum.accumulate(pair[huge]);
            }
        }
        return sum;
    }

    /**
     * {@return the sum over the huge (or non-huge) bins only}
     *
     * @param huge the huge slabs, or the non-huge ones
     */
    public BinStats byHuge(boolean huge) {
        int h = huge ? 1 : 0;
        BinStats sum = new BinStats();
        sum.accumulate(fullSlabs[h]);
        sum.accumulate(emptySlabs[h]);
        for (BinStats[] pair : nonfull) {
            sum.accumulate(pair[h]);
        }
        return sum;
    }

    /**
     * psset_stats_accum.
     *
     * @param other the stats added to these
     */
    public void accumulate(PageSlabSetStats other) {
        for (int huge = 0; huge <= 1; huge++) {
            fullSlabs[huge].accumulate(other.fullSlabs[huge]);
            emptySlabs[huge].accumulate(other.emptySlabs[huge]);
            for (int i = 0; i < nonfull.length; i++) {
                nonfull[i][huge].accumulate(other.nonfull[i][huge]);
            }
        }
    }

    /** {@return a copy that these stats no longer change} */
    public PageSlabSetStats copy() {
        PageSlabSetStats copy = new PageSlabSetStats();
        copy.accumulate(this);
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PageSlabSetStats other)) {
            return false;
        }
        for (int huge = 0; huge <= 1; huge++) {
            if (!fullSlabs[huge].equals(other.fullSlabs[huge]) || !emptySlabs[huge].equals(other.emptySlabs[huge])) {
                return false;
            }
            for (int i = 0; i < nonfull.length; i++) {
                if (!nonfull[i][huge].equals(other.nonfull[i][huge])) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return merged().hashCode();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("PageSlabSetStats{full=")
                .append(fullSlabs[0])
                .append('/')
                .append(fullSlabs[1])
                .append(" empty=")
                .append(emptySlabs[0])
                .append('/')
                .append(emptySlabs[1]);
        for (int i = 0; i < nonfull.length; i++) {
            if (nonfull[i][0].npageslabs() != 0 || nonfull[i][1].npageslabs() != 0) {
                s.append(" nonfull[")
                        .append(i)
                        .append("]=")
                        .append(nonfull[i][0])
                        .append('/')
                        .append(nonfull[i][1]);
            }
        }
        return s.append('}').toString();
    }
}
