package io.github.hpa4j.core;

/** Bin slabs served by an HPA shard, which grows from {@code grow} when none of its slabs fits. */
public final class ShardPageSource implements PageExtentSource {
    private final Shard shard;
    private final SlabSource grow;

    /**
     * Refuses a shard whose slab_max_alloc is below the largest bin slab.
     *
     * @param shard the shard whose pages the bin slabs are
     * @param grow  gives the shard a slab when none has room
     */
    public ShardPageSource(Shard shard, SlabSource grow) {
        long largest = (long) SmallSizeClasses.MAX_SLAB_PAGES << Pages.LG_PAGE;
        if (shard.options().slabMaxAlloc() < largest) {
            throw new IllegalArgumentException("bin slabs take up to " + largest + " bytes, above the shard's"
                    + " slab_max_alloc " + shard.options().slabMaxAlloc());
        }
        this.shard = shard;
        this.grow = grow;
    }

    /**
     * Bin slabs from a shard that is never grown here: when none of its slabs has room, the request
     * fails with {@link SlabNeededException} and leaves nothing allocated, as the shard actor needs.
     *
     * @param shard the shard whose pages the bin slabs are
     * @return the source
     */
    public static ShardPageSource withoutGrowing(Shard shard) {
        return new ShardPageSource(shard, () -> {
            throw new SlabNeededException(shard.index());
        });
    }

    @Override
    public Extent allocPages(long bytes) {
        return shard.alloc(bytes, grow);
    }

    @Override
    public void freePages(Extent extent) {
        shard.free(extent);
    }
}
