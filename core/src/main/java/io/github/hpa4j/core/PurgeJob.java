package io.github.hpa4j.core;

/**
 * A purge pass over one slab, begun by {@link Shard#beginPurge()}: optionally dehugify the slab,
 * then give back each range of dirty pages fixed at begin time. Allocation from the slab is
 * disallowed until the job ends, so no range can become active meanwhile; frees into it go on.
 */
final class PurgeJob extends DeferredJob {
    private final PurgeState state;
    private final boolean dehugify;
    private final int pendingPages;
    private final long[] rangeAddresses;
    private final long[] rangeSizes;

    PurgeJob(
            int shard,
            PageSlab slab,
            PurgeState state,
            boolean dehugify,
            int pendingPages,
            long[] rangeAddresses,
            long[] rangeSizes) {
        super(shard, slab);
        this.state = state;
        this.dehugify = dehugify;
        this.pendingPages = pendingPages;
        this.rangeAddresses = rangeAddresses;
        this.rangeSizes = rangeSizes;
    }

    PurgeState state() {
        return state;
    }

    /** Whether the slab is huge and must be dehugified before part of it is purged. */
    public boolean dehugify() {
        return dehugify;
    }

    /** Dirty pages this job will purge: counted as pending purge until it ends. */
    public int pendingPages() {
        return pendingPages;
    }

    public int rangeCount() {
        return rangeAddresses.length;
    }

    public long rangeAddress(int i) {
        return rangeAddresses[i];
    }

    public long rangeSize(int i) {
        return rangeSizes[i];
    }

    /** Bytes the purge calls cover (at least the dirty pages; retained gaps may be included). */
    public long purgeBytes() {
        long total = 0;
        for (long size : rangeSizes) {
            total += size;
        }
        return total;
    }

    @Override
    public void run(PageHooks hooks) {
        if (dehugify) {
            hooks.dehugify(slabAddress(), Pages.HUGEPAGE);
        }
        for (int i = 0; i < rangeAddresses.length; i++) {
            hooks.purge(rangeAddresses[i], rangeSizes[i]);
        }
    }

    @Override
    public String toString() {
        return "PurgeJob[shard " + shard() + ", slab 0x" + Long.toHexString(slabAddress()) + ", " + pendingPages
                + " dirty pages in " + rangeAddresses.length + " ranges" + (dehugify ? ", dehugify" : "") + "]";
    }
}
