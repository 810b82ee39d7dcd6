package io.github.hpa4j.core;

/**
 * The set of a shard's slabs, a port of jemalloc's {@code psset_t}: what the eset is to jemalloc's
 * PAC, this is to the HPA. It is mechanism only: it files slabs into containers according to the
 * flags the shard's policy set on them, and never reads a setting.
 *
 * <ul>
 *   <li>Allocation: non-full, non-empty slabs live in age heaps, one per page size class of their
 *       longest free range; allocation takes the oldest slab of the smallest class that fits
 *       (oldest first keeps young slabs emptying). Empty slabs live on a LIFO list, used only when
 *       no heap fits. Full slabs are in no container.</li>
 *   <li>Purging: two FIFO lists per size class of dirty pages, huge and non-huge, the non-huge one
 *       picked first; then the last two lists hold empty slabs, huge ones picked first.</li>
 *   <li>Hugifying: two FIFO lists, in the order slabs became candidates: those the policy lets
 *       hugify at once, picked first, then those that wait out the hugify delay. With one list a
 *       candidate that may go now would queue behind one still waiting.</li>
 * </ul>
 *
 * <p>A slab's metadata may change only between {@link #updateBegin} and {@link #updateEnd}, which
 * take it out of its containers and stats and file it again: its bin depends on the very
 * counters the update changes.
 */
final class PageSlabSet {
    /** jemalloc's PSSET_NPURGE_LISTS: two per page size class. */
    static final int NPURGE_LISTS = 2 * PageSizeClasses.NPSIZES;

    private final SlabAgeHeap[] pageslabs = new SlabAgeHeap[PageSizeClasses.NPSIZES];
    /* A set bit for every non-empty heap, so that a fit is one bit search. */
    private final FlatBitmap pageslabBitmap = new FlatBitmap(PageSizeClasses.NPSIZES);
    private final BinStats mergedStats = new BinStats();
    private final PageSlabSetStats stats = new PageSlabSetStats();
    private final SlabList empty = new SlabList(SlabList.EMPTY);
    private final SlabList[] toPurge = new SlabList[NPURGE_LISTS];
    private final FlatBitmap purgeBitmap = new FlatBitmap(NPURGE_LISTS);
    private final SlabList toHugify = new SlabList(SlabList.HUGIFY);
    /* A slab is on at most one of the two, so they share its HUGIFY links. */
    private final SlabList toHugifyAtOnce = new SlabList(SlabList.HUGIFY);

    public PageSlabSet() {
        for (int i = 0; i < pageslabs.length; i++) {
            pageslabs[i] = new SlabAgeHeap();
        }
        for (int i = 0; i < toPurge.length; i++) {
            toPurge[i] = new SlabList(SlabList.PURGE);
        }
    }

    /** The live stats; callers that keep them must {@link PageSlabSetStats#copy()}. */
    public PageSlabSetStats stats() {
        return stats;
    }

    public long npageslabs() {
        return mergedStats.npageslabs();
    }

    public long nactive() {
        return mergedStats.nactive();
    }

    public long ndirty() {
        return mergedStats.ndirty();
    }

    /** psset_insert: a slab joins the set (fresh from eden, or back after a purge). */
    public void insert(PageSlab slab) {
        slab.inSet(true);
        statsInsert(slab);
        if (slab.allocAllowed()) {
            allocContainerInsert(slab);
        }
        maybeInsertPurgeList(slab);
        if (slab.hugifyAllowed()) {
            hugifyContainerInsert(slab);
        }
    }

    /** psset_remove. */
    public void remove(PageSlab slab) {
        slab.inSet(false);
        statsRemove(slab);
        if (slab.inSetAllocContainer()) {
            allocContainerRemove(slab);
        }
        maybeRemovePurgeList(slab);
        if (slab.inSetHugifyContainer()) {
            hugifyContainerRemove(slab);
        }
    }

    /** psset_update_begin: takes the slab out of its stats and containers so it may change. */
    public void updateBegin(PageSlab slab) {
        slab.assertConsistent();
        assert slab.inSet();
        slab.updating(true);
        statsRemove(slab);
        if (slab.inSetAllocContainer()) {
            // The longest free range, about to change, decides which heap the slab is in.
            assert slab.allocAllowed();
            allocContainerRemove(slab);
        }
        maybeRemovePurgeList(slab);
        /*
         * The hugify list stays FIFO through other updates: membership is fixed up at the end only
         * if hugify-allowed changed.
         */
    }

    /** psset_update_end: files the slab again by its new state. */
    public void updateEnd(PageSlab slab) {
        assert slab.inSet();
        slab.updating(false);
        statsInsert(slab);
        assert !slab.inSetAllocContainer();
        if (slab.allocAllowed()) {
            allocContainerInsert(slab);
        }
        maybeInsertPurgeList(slab);
        if (slab.hugifyAllowed() && !slab.inSetHugifyContainer()) {
            hugifyContainerInsert(slab);
        } else if (!slab.hugifyAllowed() && slab.inSetHugifyContainer()) {
            hugifyContainerRemove(slab);
        }
        slab.assertConsistent();
    }

    private void hugifyContainerInsert(PageSlab slab) {
        slab.inSetHugifyContainer(true);
        slab.inSetHugifyAtOnceList = slab.hugifyAtOnce();
        (slab.inSetHugifyAtOnceList ? toHugifyAtOnce : toHugify).append(slab);
    }

    private void hugifyContainerRemove(PageSlab slab) {
        slab.inSetHugifyContainer(false);
        (slab.inSetHugifyAtOnceList ? toHugifyAtOnce : toHugify).remove(slab);
        slab.inSetHugifyAtOnceList = false;
    }

    /** psset_pick_alloc: a slab that can serve {@code size} bytes (a page multiple), or null. */
    public PageSlab pickAlloc(long size) {
        assert Pages.isPageAligned(size) && size > 0 && size <= Pages.HUGEPAGE;
        int minPind = PageSizeClasses.psz2ind(PageSizeClasses.quantizeCeil(size));
        int pind = pageslabBitmap.findFirstSet(minPind);
        if (pind == PageSizeClasses.NPSIZES) {
            return empty.first();
        }
        PageSlab slab = pageslabs[pind].first();
        slab.assertConsistent();
        return slab;
    }

    /** psset_pick_purge: the slab we most want purged, or null. */
    public PageSlab pickPurge() {
        int ind = purgeBitmap.findLastSet(NPURGE_LISTS - 1);
        if (ind < 0) {
            return null;
        }
        PageSlab slab = toPurge[ind].first();
        assert slab != null;
        return slab;
    }

    /**
     * psset_pick_hugify: the longest-waiting candidate that may be hugified at once, else the
     * longest-waiting candidate, or null.
     */
    public PageSlab pickHugify() {
        PageSlab atOnce = toHugifyAtOnce.first();
        return atOnce != null ? atOnce : toHugify.first();
    }

    /** Slabs allowed to serve allocations and empty: the LIFO empty list, head first. */
    PageSlab firstEmpty() {
        return empty.first();
    }

    /*
     * Page size class of a slab's longest free range: the heap it allocates from and its stats bin.
     * Quantizing down means every slab in a class can serve any request of that class.
     */
    private static int allocPind(PageSlab slab) {
        int pind =
                PageSizeClasses.psz2ind(PageSizeClasses.quantizeFloor((long) slab.longestFreeRange() << Pages.LG_PAGE));
        assert pind < PageSizeClasses.NPSIZES;
        return pind;
    }

    private BinStats statsBin(PageSlab slab) {
        if (slab.empty()) {
            return stats.empty(slab.huge());
        } else if (slab.full()) {
            return stats.full(slab.huge());
        }
        return stats.nonfull(allocPind(slab), slab.huge());
    }

    /*
     * Stats follow the slab through updates: its contribution is removed at update begin and added
     * back, perhaps to another bin, at update end.
     */
    private void statsInsert(PageSlab slab) {
        statsBin(slab).add(slab, +1);
        mergedStats.add(slab, +1);
        checkMergedStats();
    }

    private void statsRemove(PageSlab slab) {
        statsBin(slab).add(slab, -1);
        mergedStats.add(slab, -1);
        checkMergedStats();
    }

    private void checkMergedStats() {
        if (Checks.ENABLED) {
            Checks.check(
                    stats.merged().equals(mergedStats),
                    "merged stats " + mergedStats + " != sum of bins " + stats.merged());
        }
    }

    private void allocContainerInsert(PageSlab slab) {
        assert !slab.inSetAllocContainer();
        slab.inSetAllocContainer(true);
        if (slab.empty()) {
            /*
             * Prepending here and taking the head in pickAlloc makes the empty slabs LIFO: the most
             * recently emptied slab is the likeliest to still be backed by the OS.
             */
            empty.prepend(slab);
        } else if (!slab.full()) {
            int pind = allocPind(slab);
            if (pageslabs[pind].isEmpty()) {
                pageslabBitmap.set(pind);
            }
            pageslabs[pind].insert(slab);
        }
        // Full slabs are in no container: pickAlloc never returns them.
    }

    private void allocContainerRemove(PageSlab slab) {
        assert slab.inSetAllocContainer();
        slab.inSetAllocContainer(false);
        if (slab.empty()) {
            empty.remove(slab);
        } else if (!slab.full()) {
            int pind = allocPind(slab);
            pageslabs[pind].remove(slab);
            if (pageslabs[pind].isEmpty()) {
                pageslabBitmap.unset(pind);
            }
        }
    }

    /**
     * psset_purge_list_ind. Higher indices are purged first. The two highest hold empty slabs,
     * purged before any other: they are the least likely to be reused (allocation takes them only
     * when nothing else fits), and one call purges all their dirty pages. Empty huge slabs go
     * before empty non-huge ones, since they are all dirty and free the most at once. Among
     * non-empty slabs of similar dirtiness, non-huge ones go first: they may be reused, and the
     * huge ones still give the benefit of their hugepage.
     */
    static int purgeListIndex(PageSlab slab) {
        int ndirty = slab.ndirty();
        assert ndirty > 0 : "a slab with no dirty pages is not purgeable";
        if (slab.nactive() == 0) {
            return slab.huge() ? NPURGE_LISTS - 1 : NPURGE_LISTS - 2;
        }
        int pind = PageSizeClasses.psz2ind(PageSizeClasses.quantizeFloor((long) ndirty << Pages.LG_PAGE));
        return 2 * pind + (slab.huge() ? 0 : 1);
    }

    private void maybeRemovePurgeList(PageSlab slab) {
        /*
         * Removed even when it will go back to the same list: re-appending at update end moves it
         * to the tail, so purging is LRU within a dirtiness class.
         */
        if (slab.purgeAllowed()) {
            int ind = purgeListIndex(slab);
            toPurge[ind].remove(slab);
            if (toPurge[ind].isEmpty()) {
                purgeBitmap.unset(ind);
            }
        }
    }

    private void maybeInsertPurgeList(PageSlab slab) {
        if (slab.purgeAllowed()) {
            int ind = purgeListIndex(slab);
            if (toPurge[ind].isEmpty()) {
                purgeBitmap.set(ind);
            }
            toPurge[ind].append(slab);
        }
    }
}
