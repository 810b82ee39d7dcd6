package io.github.hpa4j.core;

/**
 * The metadata of one hugepage-sized, hugepage-aligned slab: a port of jemalloc's {@code hpdata_t}.
 * The slab need not really be backed by a hugepage; it is only <em>potentially</em> huge.
 *
 * <p>Active extents are not recorded here, only which pages they cover: {@code active} has a bit
 * per allocated page, {@code touched} a bit per page the OS may have backed (active or dirty).
 * Pages touched but not active are dirty; the rest are retained.
 *
 * <p>As in hpdata.h, some properties come as a pair: {@code xAllowed}, set by the shard (policy),
 * and {@code inSetXContainer}, set by the {@link PageSlabSet} (mechanism). The split lets the
 * policy say what may happen to a slab without knowing how the set files it.
 *
 * <p>Not thread-safe: owned by one shard, mutated only between {@link PageSlabSet#updateBegin}
 * and {@link PageSlabSet#updateEnd} while it is in a set.
 */
public final class PageSlab {
    private final long address;
    private long age;
    private boolean huge;

    private boolean allocAllowed;
    private boolean inSetAllocContainer;
    /*
     * There is no inSetPurgeContainer: the set always takes a slab out of its purge list during an
     * update (so that purging is LRU within a dirtiness class), so membership follows purgeAllowed.
     */
    private boolean purgeAllowed;
    private boolean hugifyAllowed;
    private long timeHugifyAllowed;
    private boolean hugifyAtOnce;
    private boolean inSetHugifyContainer;
    /* Which of the set's two hugify lists holds the slab; owned by PageSlabSet. */
    boolean inSetHugifyAtOnceList;
    /*
     * No page was freed since the slab was last empty: every active page came from allocations that
     * followed one another. Recorded here, judged by the shard's hugify policy.
     */
    private boolean grownSinceEmpty = true;

    private boolean midPurge;
    private boolean midHugify;
    private boolean updating;
    private boolean inSet;

    private int longestFreeRange;
    private int nactive;
    private final FlatBitmap activePages = new FlatBitmap(Pages.HUGEPAGE_PAGES);
    private int ntouched;
    private final FlatBitmap touchedPages = new FlatBitmap(Pages.HUGEPAGE_PAGES);

    /* Container linkage, owned by PageSlabSet (jemalloc's age_link / ql_link_* fields). */
    int heapIndex = -1;
    final PageSlab[] listPrev = new PageSlab[SlabList.KINDS];
    final PageSlab[] listNext = new PageSlab[SlabList.KINDS];

    /**
     * hpdata_init.
     *
     * @param address the hugepage the slab covers, hugepage-aligned
     * @param age     orders slabs of equal fit: older first
     */
    public PageSlab(long address, long age) {
        if (!Pages.isHugepageAligned(address)) {
            throw new IllegalArgumentException(
                    "slab address 0x" + Long.toHexString(address) + " is not hugepage-aligned");
        }
        this.address = address;
        this.age = age;
        this.allocAllowed = true;
        this.longestFreeRange = Pages.HUGEPAGE_PAGES;
        assertConsistent();
    }

    /** {@return the hugepage the slab covers} */
    public long address() {
        return address;
    }

    /** {@return the slab's age: lower is older, and older slabs are preferred} */
    public long age() {
        return age;
    }

    void age(long age) {
        this.age = age;
    }

    /** {@return whether the slab is backed by a hugepage (hugified, not yet dehugified)} */
    public boolean huge() {
        return huge;
    }

    /** {@return whether allocations may come from the slab (not while a purge is in flight)} */
    public boolean allocAllowed() {
        return allocAllowed;
    }

    void allocAllowed(boolean allowed) {
        allocAllowed = allowed;
    }

    boolean inSetAllocContainer() {
        return inSetAllocContainer;
    }

    void inSetAllocContainer(boolean in) {
        assert in != inSetAllocContainer;
        inSetAllocContainer = in;
    }

    /** {@return whether the slab is a purge candidate} */
    public boolean purgeAllowed() {
        return purgeAllowed;
    }

    void purgeAllowed(boolean allowed) {
        assert !allowed || !midPurge;
        purgeAllowed = allowed;
    }

    /** {@return whether the slab is a hugification candidate} */
    public boolean hugifyAllowed() {
        return hugifyAllowed;
    }

    /** {@return when the slab became a hugification candidate, in {@link Clock#nanoTime()} units} */
    public long timeHugifyAllowed() {
        return timeHugifyAllowed;
    }

    /**
     * Whether the candidate may be hugified without waiting out the hugify delay; fixed when the
     * slab became a candidate, false when it is none.
     *
     * @return whether the candidate skips the hugify delay
     */
    public boolean hugifyAtOnce() {
        return hugifyAtOnce;
    }

    /**
     * Whether no page was freed since the slab was last empty (true for a fresh slab): its active
     * pages were filled by growth, not by churn.
     *
     * @return whether the slab only grew since it was last empty
     */
    public boolean grownSinceEmpty() {
        return grownSinceEmpty;
    }

    /*
     * allowHugify and disallowHugify must be the last change of an update bracket: the consistency
     * check compares hugifyAllowed with inSetHugifyContainer, which only PageSlabSet.updateEnd syncs.
     */
    void allowHugify(long nowNanos) {
        allowHugify(nowNanos, false);
    }

    void allowHugify(long nowNanos, boolean atOnce) {
        assert !midHugify;
        hugifyAllowed = true;
        timeHugifyAllowed = nowNanos;
        hugifyAtOnce = atOnce;
    }

    void disallowHugify() {
        hugifyAllowed = false;
        hugifyAtOnce = false;
    }

    boolean inSetHugifyContainer() {
        return inSetHugifyContainer;
    }

    void inSetHugifyContainer(boolean in) {
        assert in != inSetHugifyContainer;
        inSetHugifyContainer = in;
    }

    /** {@return whether a purge of the slab is in flight} */
    public boolean midPurge() {
        return midPurge;
    }

    void midPurge(boolean mid) {
        assert mid != midPurge;
        midPurge = mid;
    }

    /** {@return whether a hugify of the slab is in flight} */
    public boolean midHugify() {
        return midHugify;
    }

    void midHugify(boolean mid) {
        assert mid != midHugify;
        midHugify = mid;
    }

    /** {@return whether a purge or hugify is in flight: the OS is working on this slab outside the shard} */
    public boolean changingState() {
        return midPurge || midHugify;
    }

    boolean updating() {
        return updating;
    }

    void updating(boolean value) {
        assert value != updating;
        updating = value;
    }

    /** {@return whether the slab is filed in a slab set} */
    public boolean inSet() {
        return inSet;
    }

    void inSet(boolean value) {
        assert value != inSet;
        inSet = value;
    }

    /** {@return pages in the longest run of inactive pages} */
    public int longestFreeRange() {
        return longestFreeRange;
    }

    private void longestFreeRange(int pages) {
        assert pages >= 0 && pages <= Pages.HUGEPAGE_PAGES;
        longestFreeRange = pages;
    }

    /** {@return pages allocated} */
    public int nactive() {
        return nactive;
    }

    /** {@return pages touched since the OS last gave them back: active or dirty} */
    public int ntouched() {
        return ntouched;
    }

    /** {@return pages touched but not allocated: freed and not yet purged} */
    public int ndirty() {
        return ntouched - nactive;
    }

    /** {@return pages never touched, or purged since} */
    public int nretained() {
        return Pages.HUGEPAGE_PAGES - ntouched;
    }

    /** {@return whether no page is allocated} */
    public boolean empty() {
        return nactive == 0;
    }

    /** {@return whether every page is allocated} */
    public boolean full() {
        return nactive == Pages.HUGEPAGE_PAGES;
    }

    /**
     * {@return whether page {@code page} is allocated}
     *
     * @param page a page index in the slab
     */
    public boolean isActive(int page) {
        return activePages.get(page);
    }

    /**
     * {@return whether page {@code page} was touched since the OS last gave it back}
     *
     * @param page a page index in the slab
     */
    public boolean isTouched(int page) {
        return touchedPages.get(page);
    }

    /**
     * The pages {@link #reserveAlloc} of {@code npages} would touch for the first time, without
     * reserving: the first unset range that fits, as {@code reserveAlloc} picks it, less its touched
     * pages.
     *
     * @param npages the allocation's pages
     * @return the pages it would touch for the first time
     */
    public int untouchedInFirstFit(int npages) {
        return touchedPages.countUnset(firstFit(npages), npages);
    }

    /** The first page {@link #reserveAlloc} of {@code npages} would reserve. */
    int firstFit(int npages) {
        assert npages > 0 && npages <= longestFreeRange;
        int start = 0;
        while (true) {
            long range = activePages.nextUnsetRange(start);
            assert range != BitRange.NONE;
            int begin = BitRange.begin(range);
            int len = BitRange.length(range);
            if (len >= npages) {
                return begin;
            }
            start = begin + len;
        }
    }

    /**
     * Adds to {@code out} the touched pages of {@code [begin, begin + npages)}, relative to
     * {@code begin}: the pages that may hold old data. The others read as zero.
     */
    void touchedIn(int begin, int npages, PagesToClear.Builder out) {
        int end = begin + npages;
        int start = begin;
        while (start < end) {
            long range = touchedPages.nextSetRange(start);
            if (range == BitRange.NONE || BitRange.begin(range) >= end) {
                return;
            }
            int from = BitRange.begin(range);
            int to = Math.min(BitRange.end(range), end);
            out.add(from - begin, to - from);
            start = to;
        }
    }

    /**
     * hpdata_reserve_alloc: first fit. Reserves {@code npages} pages and returns the index of the
     * first; the caller has checked that {@code npages <= longestFreeRange()}.
     */
    int reserveAlloc(int npages) {
        assertConsistent();
        // A metadata change: the slab is either outside any set or bracketed by an update.
        assert !inSet || updating;
        assert allocAllowed;
        assert npages > 0 && npages <= longestFreeRange;

        int start = 0;
        int begin;
        int len;
        int largestUnchosenRange = 0;
        while (true) {
            long range = activePages.nextUnsetRange(start);
            // A precondition is that the slab can serve the request.
            assert range != BitRange.NONE;
            begin = BitRange.begin(range);
            len = BitRange.length(range);
            assert len <= longestFreeRange;
            if (len >= npages) {
                /*
                 * First fit within a slab gives bounded worst-case fragmentation. It is not
                 * necessarily the best choice; jemalloc leaves other fits to experiment.
                 */
                break;
            }
            largestUnchosenRange = Math.max(largestUnchosenRange, len);
            start = begin + len;
        }
        int result = begin;
        if (nactive == 0) {
            grownSinceEmpty = true;
        }
        activePages.setRange(result, npages);
        nactive += npages;

        // We might be about to dirty some memory for the first time.
        int newlyTouched = touchedPages.countUnset(result, npages);
        touchedPages.setRange(result, npages);
        ntouched += newlyTouched;

        /*
         * If we allocated out of a range that was the longest, it may have been the only one of that
         * length: look on past it for the new longest (ranges before it were all shorter).
         */
        if (len == longestFreeRange) {
            start = result + npages;
            while (start < Pages.HUGEPAGE_PAGES) {
                long range = activePages.nextUnsetRange(start);
                if (range == BitRange.NONE) {
                    break;
                }
                len = BitRange.length(range);
                assert len <= longestFreeRange;
                if (len == longestFreeRange) {
                    largestUnchosenRange = len;
                    break;
                }
                largestUnchosenRange = Math.max(largestUnchosenRange, len);
                start = BitRange.end(range);
            }
            longestFreeRange(largestUnchosenRange);
        }
        assertConsistent();
        return result;
    }

    /** hpdata_unreserve: frees {@code npages} pages from page index {@code begin}. */
    void unreserve(int begin, int npages) {
        assertConsistent();
        assert !inSet || updating;
        assert begin >= 0 && npages > 0 && begin + npages <= Pages.HUGEPAGE_PAGES;
        assert activePages.countSet(begin, npages) == npages : "unreserving pages that are not active";
        int oldLongestRange = longestFreeRange;

        activePages.unsetRange(begin, npages);
        grownSinceEmpty = false;
        // We might have just created a new, larger range.
        int newBegin = activePages.findLastSet(begin) + 1;
        int newEnd = activePages.findFirstSet(begin + npages - 1);
        int newRangeLength = newEnd - newBegin;
        if (newRangeLength > oldLongestRange) {
            longestFreeRange(newRangeLength);
        }
        nactive -= npages;
        assertConsistent();
    }

    /**
     * hpdata_purge_begin: decides what to purge and returns the number of dirty pages that will be
     * purged. Allocation from the slab must already be disallowed: any inactive page may be purged,
     * so none may become active until {@link #purgeEnd}. Frees into the slab stay allowed.
     */
    int purgeBegin(PurgeState state) {
        assertConsistent();
        assert !allocAllowed;

        state.npurged = 0;
        state.nextPurgeSearchBegin = 0;

        /*
         * Two dirty ranges may be separated by retained pages (allocate three single pages, free and
         * purge the middle, then free the outer two). One purge over all three is safe and cheaper:
         * the expensive part of purging is the TLB shootdown, not the kernel's bookkeeping. So each
         * dirty range is extended over retained pages up to the next active page, but not past the
         * last dirty page before it (this helps the kernel a little, and tests that think in dirty
         * ranges a lot).
         */
        FlatBitmap dirtyPages = state.dirtyPages;
        dirtyPages.not(activePages);
        dirtyPages.and(dirtyPages, touchedPages);

        FlatBitmap toPurge = state.toPurge;
        toPurge.clear();
        int nextBit = 0;
        while (nextBit < Pages.HUGEPAGE_PAGES) {
            int nextDirty = dirtyPages.findFirstSet(nextBit);
            if (nextDirty == Pages.HUGEPAGE_PAGES) {
                break;
            }
            int nextActive = activePages.findFirstSet(nextDirty);
            int lastDirty = dirtyPages.findLastSet(nextActive - 1);
            assert lastDirty >= nextDirty;
            toPurge.setRange(nextDirty, lastDirty - nextDirty + 1);
            nextBit = nextActive + 1;
        }

        int ndirty = ntouched - nactive;
        state.ndirtyToPurge = ndirty;
        assert ndirty <= toPurge.countSet(0, Pages.HUGEPAGE_PAGES);
        assert ndirty == dirtyPages.countSet(0, Pages.HUGEPAGE_PAGES);
        assertConsistent();
        return ndirty;
    }

    /**
     * hpdata_purge_next: the next page range to purge as a {@link BitRange}, or {@link BitRange#NONE}
     * when done. Needs the purge state exclusively but not the slab: frees may happen meanwhile.
     */
    long purgeNext(PurgeState state) {
        assert !allocAllowed;
        if (state.nextPurgeSearchBegin == Pages.HUGEPAGE_PAGES) {
            return BitRange.NONE;
        }
        long range = state.toPurge.nextSetRange(state.nextPurgeSearchBegin);
        if (range == BitRange.NONE) {
            return BitRange.NONE;
        }
        state.nextPurgeSearchBegin = BitRange.end(range);
        state.npurged += BitRange.length(range);
        assert state.npurged <= Pages.HUGEPAGE_PAGES;
        return range;
    }

    /** hpdata_purge_end: the purged pages are retained again. */
    void purgeEnd(PurgeState state) {
        assert !allocAllowed;
        assertConsistent();
        assert !inSet || updating;
        assert state.npurged == state.toPurge.countSet(0, Pages.HUGEPAGE_PAGES);
        assert state.npurged >= state.ndirtyToPurge;

        state.toPurge.not(state.toPurge);
        touchedPages.and(touchedPages, state.toPurge);
        assert ntouched >= state.ndirtyToPurge;
        ntouched -= state.ndirtyToPurge;
        assertConsistent();
    }

    /** hpdata_hugify: a huge slab is backed in full, so every page counts as touched. */
    void hugify() {
        assertConsistent();
        huge = true;
        touchedPages.setRange(0, Pages.HUGEPAGE_PAGES);
        ntouched = Pages.HUGEPAGE_PAGES;
        assertConsistent();
    }

    void dehugify() {
        assertConsistent();
        huge = false;
        assertConsistent();
    }

    /**
     * hpdata_consistent: recomputes the cached counters from the bitmaps. Returns null when
     * consistent, else a description of the first mismatch.
     *
     * @return the first mismatch, or null
     */
    public String inconsistency() {
        int longest = activePages.longestUnsetRange();
        if (longest != longestFreeRange) {
            return "longest free range " + longestFreeRange + " but bitmap says " + longest;
        }
        int active = activePages.countSet(0, Pages.HUGEPAGE_PAGES);
        if (active != nactive) {
            return "nactive " + nactive + " but bitmap says " + active;
        }
        int touched = touchedPages.countSet(0, Pages.HUGEPAGE_PAGES);
        if (touched != ntouched) {
            return "ntouched " + ntouched + " but bitmap says " + touched;
        }
        if (ntouched < nactive) {
            return "ntouched " + ntouched + " < nactive " + nactive;
        }
        if (huge && ntouched != Pages.HUGEPAGE_PAGES) {
            return "huge but only " + ntouched + " pages touched";
        }
        if (changingState() && (purgeAllowed || hugifyAllowed)) {
            return "mid purge/hugify but purge or hugify still allowed";
        }
        if (hugifyAllowed != inSetHugifyContainer) {
            return "hugifyAllowed " + hugifyAllowed + " but inSetHugifyContainer " + inSetHugifyContainer;
        }
        if (hugifyAtOnce && !hugifyAllowed) {
            return "hugifyAtOnce but hugify not allowed";
        }
        return null;
    }

    /** {@return whether {@link #inconsistency()} finds nothing} */
    public boolean consistent() {
        return inconsistency() == null;
    }

    void assertConsistent() {
        if (Checks.ENABLED) {
            String problem = inconsistency();
            Checks.check(problem == null, this + ": " + problem);
        }
    }

    @Override
    public String toString() {
        return "PageSlab[0x" + Long.toHexString(address) + " age=" + age + " active=" + nactive
                + " touched=" + ntouched + " longestFree=" + longestFreeRange + (huge ? " huge" : "")
                + (midPurge ? " midPurge" : "") + (midHugify ? " midHugify" : "") + "]";
    }
}
