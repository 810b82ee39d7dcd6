package io.github.hpa4j.core;

/**
 * The pages the shards of one allocator may hold touched: active or dirty, not yet given back to
 * the OS. jemalloc has no such bound; hpa4j's shards take from one shared budget the pages an
 * allocation touches for the first time (and a hugify backs), and give back what a purge returns.
 * Injected, as the hooks are: a shard only calls it, the owner makes it safe to share.
 */
public interface PageBudget {
    /** No bound: every take succeeds. */
    PageBudget UNLIMITED = new PageBudget() {
        @Override
        public boolean tryTake(long pages) {
            return true;
        }

        @Override
        public void give(long pages) {}

        @Override
        public boolean underPressure() {
            return false;
        }

        @Override
        public long limitPages() {
            return Long.MAX_VALUE;
        }

        @Override
        public long heldPages() {
            return 0;
        }
    };

    /**
     * Takes {@code pages} if the bound allows all of them, else takes none and returns false.
     *
     * @param pages pages to hold
     * @return whether they were taken
     */
    boolean tryTake(long pages);

    /**
     * Gives back {@code pages} taken before.
     *
     * @param pages pages no longer held
     */
    void give(long pages);

    /**
     * Whether a take was refused since the held pages last fell well below the limit: then a shard
     * purges every dirty page, not only those above its dirty limit, so that idle memory is given
     * back before anyone is refused again.
     *
     * @return whether the budget is under pressure
     */
    boolean underPressure();

    /** {@return the most pages held at once; {@link Long#MAX_VALUE} for no limit} */
    long limitPages();

    /** {@return the pages held now} */
    long heldPages();
}
