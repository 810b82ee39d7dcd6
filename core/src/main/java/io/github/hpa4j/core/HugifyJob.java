package io.github.hpa4j.core;

/**
 * Hugifying one slab, begun by {@link Shard#beginHugify()}. Unlike a purge, allocations from the
 * slab go on while it runs: hugifying changes no page's contents.
 */
final class HugifyJob extends DeferredJob {
    private final int pagesTaken;

    HugifyJob(int shard, PageSlab slab, int pagesTaken) {
        super(shard, slab);
        this.pagesTaken = pagesTaken;
    }

    /** Pages taken from the budget when the job began: the slab's retained pages then. */
    int pagesTaken() {
        return pagesTaken;
    }

    @Override
    public void run(PageHooks hooks) {
        hooks.hugify(slabAddress(), Pages.HUGEPAGE);
    }

    @Override
    public String toString() {
        return "HugifyJob[shard " + shard() + ", slab 0x" + Long.toHexString(slabAddress()) + "]";
    }
}
