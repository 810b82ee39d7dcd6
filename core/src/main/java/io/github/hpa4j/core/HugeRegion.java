package io.github.hpa4j.core;

/**
 * A run of hugepages packed with page-granular allocations: TCMalloc's {@code HugeRegion}, for sizes
 * whose rounding up to whole hugepages would waste much (2 MiB + 4 KiB would otherwise take 4 MiB).
 * Allocations are best fit over a bitmap of used pages; a hugepage is backed (counted against the
 * budget, in full, since the OS backs it whole) from the first allocation that touches it until a
 * release pass purges it after it stayed empty for the release interval.
 *
 * <p>A hugepage that stays sparse is subreleased, as TCMalloc's filler does with hugepages it
 * cannot free whole: once no free has landed in it for the release interval and at least
 * {@link #SUBRELEASE_MIN_FREE_PAGES} of its pages are free and dirty, it is advised away from
 * hugepages (so that khugepaged does not collapse it again and bring the purged pages back) and its
 * free pages are purged. Its live pages lose their hugepage mapping; that is the price of returning
 * the rest while they live. A subreleased hugepage is advised huge again once it is empty and
 * purged, or full again. The budget keeps counting it in full while it is backed: the budget bounds
 * what the OS may back, and a subreleased hugepage may be backed whole again by its next use.
 *
 * <p>A page is known zero until an allocation covers it, and again once it is purged (the touched
 * bitmap, as {@link PageSlab} keeps it).
 */
final class HugeRegion {
    /** {@link #alloc} when the budget refused the hugepages the allocation would back. */
    static final long BUDGET_REFUSED = -2;

    static final long NO_FIT = -1;
    /**
     * The dirty free pages that make a live hugepage worth breaking: an eighth of it (256 KiB), the
     * waste a region accepts when it packs an allocation, so that a subreleased hugepage gives back
     * at least what packing saved.
     */
    static final int SUBRELEASE_MIN_FREE_PAGES = Pages.HUGEPAGE_PAGES / 8;

    final long address;
    final int hugepages;
    final int pages;
    private final FlatBitmap used;
    private final FlatBitmap touched;
    private final FlatBitmap backed;
    private final FlatBitmap subreleased;
    private final int[] usedInHugepage;
    private final long[] lastFreeNanos;
    private int usedPages;
    private int longestFree;
    private long subreleasedPages;

    HugeRegion(long address, int hugepages) {
        this.address = address;
        this.hugepages = hugepages;
        this.pages = hugepages * Pages.HUGEPAGE_PAGES;
        this.used = new FlatBitmap(pages);
        this.touched = new FlatBitmap(pages);
        this.backed = new FlatBitmap(hugepages);
        this.subreleased = new FlatBitmap(hugepages);
        this.usedInHugepage = new int[hugepages];
        this.lastFreeNanos = new long[hugepages];
        this.longestFree = pages;
    }

    int usedPages() {
        return usedPages;
    }

    int freePages() {
        return pages - usedPages;
    }

    int longestFree() {
        return longestFree;
    }

    int backedHugepages() {
        return backed.countSet(0, hugepages);
    }

    /** Backed hugepages advised away from hugepages by a subrelease. */
    int subreleasedHugepages() {
        return subreleased.countSet(0, hugepages);
    }

    /** Pages purged out of live hugepages, ever. */
    long subreleasedPages() {
        return subreleasedPages;
    }

    boolean contains(long a) {
        return a >= address && a < address + ((long) pages << Pages.LG_PAGE);
    }

    /**
     * Best fit for {@code npages} starting on a multiple of {@code alignPages} (a power of two): the
     * address, {@link #NO_FIT}, or {@link #BUDGET_REFUSED}. The pages an alignment skips stay free
     * for other allocations. Adds the touched pages of the allocation to {@code toClear}.
     */
    long alloc(int npages, int alignPages, PageBudget budget, PagesToClear.Builder toClear) {
        if (npages > longestFree) {
            return NO_FIT;
        }
        int best = -1;
        int bestLength = Integer.MAX_VALUE;
        for (long r = used.nextUnsetRange(0); r != BitRange.NONE; r = used.nextUnsetRange(BitRange.end(r))) {
            int length = BitRange.length(r);
            int start = (BitRange.begin(r) + alignPages - 1) & -alignPages;
            if (start + npages <= BitRange.end(r) && length < bestLength) {
                best = start;
                bestLength = length;
                if (length == npages) {
                    break;
                }
            }
        }
        if (best < 0) {
            return NO_FIT;
        }
        int firstHugepage = best / Pages.HUGEPAGE_PAGES;
        int lastHugepage = (best + npages - 1) / Pages.HUGEPAGE_PAGES;
        int toBack = 0;
        for (int h = firstHugepage; h <= lastHugepage; h++) {
            toBack += backed.get(h) ? 0 : 1;
        }
        if (toBack > 0 && !budget.tryTake((long) toBack * Pages.HUGEPAGE_PAGES)) {
            return BUDGET_REFUSED;
        }
        int start = best;
        for (long r = touched.nextSetRange(best);
                r != BitRange.NONE && BitRange.begin(r) < best + npages;
                r = touched.nextSetRange(BitRange.end(r))) {
            int end = Math.min(BitRange.end(r), best + npages);
            toClear.add(BitRange.begin(r) - start, end - BitRange.begin(r));
            if (end == best + npages) {
                break;
            }
        }
        used.setRange(best, npages);
        touched.setRange(best, npages);
        usedPages += npages;
        for (int p = best; p < best + npages; ) {
            int h = p / Pages.HUGEPAGE_PAGES;
            int inThis = Math.min(best + npages, (h + 1) * Pages.HUGEPAGE_PAGES) - p;
            usedInHugepage[h] += inThis;
            backed.set(h);
            p += inThis;
        }
        if (bestLength == longestFree) {
            longestFree = used.longestUnsetRange();
        }
        return address + ((long) best << Pages.LG_PAGE);
    }

    /** Frees the {@code npages} at {@code a}, which the caller checked are a live allocation. */
    void free(long a, int npages, long nowNanos) {
        int first = (int) ((a - address) >>> Pages.LG_PAGE);
        assert used.countSet(first, npages) == npages;
        used.unsetRange(first, npages);
        usedPages -= npages;
        for (int p = first; p < first + npages; ) {
            int h = p / Pages.HUGEPAGE_PAGES;
            int inThis = Math.min(first + npages, (h + 1) * Pages.HUGEPAGE_PAGES) - p;
            usedInHugepage[h] -= inThis;
            lastFreeNanos[h] = nowNanos;
            p += inThis;
        }
        longestFree = used.longestUnsetRange();
    }

    /**
     * The release pass over the backed hugepages no free has landed in for {@code intervalNanos}:
     * an empty one is purged whole and no longer backed; a sparse one is subreleased; a subreleased
     * one that filled up again is advised huge again. Returns the hugepages no longer backed. A
     * hugepage the OS refuses to purge stays as it was and is tried again next pass.
     */
    int releaseIdle(PageHooks hooks, PageBudget budget, long nowNanos, long intervalNanos) {
        int released = 0;
        for (int h = backed.findFirstSet(0); h < hugepages; h = backed.findFirstSet(h + 1)) {
            if (usedInHugepage[h] == Pages.HUGEPAGE_PAGES) {
                if (subreleased.get(h)) {
                    adviseHuge(hooks, h);
                }
                continue;
            }
            if (nowNanos - lastFreeNanos[h] < intervalNanos) {
                continue;
            }
            if (usedInHugepage[h] == 0) {
                released += releaseHugepage(hooks, budget, h) ? 1 : 0;
            } else if (dirtyFreePages(h) >= SUBRELEASE_MIN_FREE_PAGES) {
                subrelease(hooks, h);
            }
        }
        return released;
    }

    private boolean releaseHugepage(PageHooks hooks, PageBudget budget, int h) {
        try {
            hooks.purge(address + h * Pages.HUGEPAGE, Pages.HUGEPAGE);
        } catch (PageOperationException e) {
            return false;
        }
        backed.unset(h);
        touched.unsetRange(h * Pages.HUGEPAGE_PAGES, Pages.HUGEPAGE_PAGES);
        budget.give(Pages.HUGEPAGE_PAGES);
        if (subreleased.get(h)) {
            adviseHuge(hooks, h);
        }
        return true;
    }

    private int dirtyFreePages(int h) {
        int first = h * Pages.HUGEPAGE_PAGES;
        return touched.countSet(first, Pages.HUGEPAGE_PAGES) - used.countSet(first, Pages.HUGEPAGE_PAGES);
    }

    /*
     * Every free page is purged, touched or not: a hugepage the OS backed whole holds its untouched
     * pages too, and once the first purge splits it they would stay resident as small pages.
     */
    private void subrelease(PageHooks hooks, int h) {
        long hugepage = address + h * Pages.HUGEPAGE;
        if (!subreleased.get(h)) {
            try {
                hooks.dehugify(hugepage, Pages.HUGEPAGE);
            } catch (PageOperationException e) {
                return;
            }
            subreleased.set(h);
        }
        int first = h * Pages.HUGEPAGE_PAGES;
        int end = first + Pages.HUGEPAGE_PAGES;
        for (long r = used.nextUnsetRange(first);
                r != BitRange.NONE && BitRange.begin(r) < end;
                r = used.nextUnsetRange(BitRange.end(r))) {
            int begin = BitRange.begin(r);
            int length = Math.min(BitRange.end(r), end) - begin;
            try {
                hooks.purge(address + ((long) begin << Pages.LG_PAGE), (long) length << Pages.LG_PAGE);
            } catch (PageOperationException e) {
                return;
            }
            subreleasedPages += touched.countSet(begin, length);
            touched.unsetRange(begin, length);
        }
    }

    /** Only a hint: if the OS refuses, the hugepage stays subreleased and is advised again later. */
    private void adviseHuge(PageHooks hooks, int h) {
        try {
            hooks.hugify(address + h * Pages.HUGEPAGE, Pages.HUGEPAGE);
        } catch (PageOperationException e) {
            return;
        }
        subreleased.unset(h);
    }

    /** Whether no page is used and none backed: the region can go back to the allocator. */
    boolean idle() {
        return usedPages == 0 && backed.isEmpty();
    }

    /** Recounts from the bitmaps; a description of the first mismatch, or null. */
    String inconsistency() {
        if (used.countSet(0, pages) != usedPages) {
            return "region 0x" + Long.toHexString(address) + ": usedPages " + usedPages + " but the bitmap has "
                    + used.countSet(0, pages);
        }
        for (int h = 0; h < hugepages; h++) {
            int n = used.countSet(h * Pages.HUGEPAGE_PAGES, Pages.HUGEPAGE_PAGES);
            if (n != usedInHugepage[h] || (n > 0 && !backed.get(h))) {
                return "region 0x" + Long.toHexString(address) + " hugepage " + h + ": " + n + " pages used, counted "
                        + usedInHugepage[h] + (backed.get(h) ? "" : ", not backed");
            }
        }
        return longestFree == used.longestUnsetRange() ? null : "region longest free " + longestFree + " is stale";
    }
}
