package io.github.hpa4j.core;

/**
 * Hugifying one slab, begun by {@link Shard#beginHugify()}. Unlike a purge, allocations from the
 * slab go on while it runs: hugifying changes no page's contents.
 */
public final class HugifyJob implements DeferredJob {
    private final int shard;
    private final PageSlab slab;
    boolean ended;

    HugifyJob(int shard, PageSlab slab) {
        this.shard = shard;
        this.slab = slab;
    }

    @Override
    public int shard() {
        return shard;
    }

    @Override
    public long slabAddress() {
        return slab.address();
    }

    PageSlab slab() {
        return slab;
    }

    @Override
    public void run(PageHooks hooks) {
        hooks.hugify(slab.address(), Pages.HUGEPAGE);
    }

    @Override
    public String toString() {
        return "HugifyJob[shard " + shard + ", slab 0x" + Long.toHexString(slab.address()) + "]";
    }
}
