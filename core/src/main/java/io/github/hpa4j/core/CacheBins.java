package io.github.hpa4j.core;

import java.util.Arrays;

/**
 * The size classes a front cache keeps, numbered as its bins, as jemalloc's tcache numbers its
 * bins by szind: the small classes first (up to {@code smallMax}), then one bin per page count up
 * to {@code slab_max_alloc} (the tcache's large bins up to {@code tcache_max}). Bin 0 is no class:
 * a size the front does not keep (a large one, or a bad one its shard refuses).
 *
 * <p>A small allocation's usable size is below a page and a page allocation's is a whole number of
 * pages, so the usable size alone names the bin an allocation returns to.
 */
public final class CacheBins {
    /** The bin of sizes no cache keeps. */
    public static final int NONE = 0;

    private final int smallBins;
    private final long smallMax;
    private final long pagesMax;
    private final long[] itemBytes;

    /**
     * Bins for the small classes up to {@code smallMax} (below a page) and for whole pages up to
     * {@code slabMaxAlloc}.
     *
     * @param smallMax     the largest small class served from a bin
     * @param slabMaxAlloc the largest page extent served from a bin
     */
    public CacheBins(long smallMax, long slabMaxAlloc) {
        if (smallMax < SmallSizeClasses.QUANTUM || smallMax >= Pages.PAGE) {
            throw new IllegalArgumentException(
                    "small max " + smallMax + " must be in [" + SmallSizeClasses.QUANTUM + ", " + Pages.PAGE + ")");
        }
        if (slabMaxAlloc < Pages.PAGE) {
            throw new IllegalArgumentException("slab_max_alloc " + slabMaxAlloc + " is below a page");
        }
        this.smallBins = SmallSizeClasses.sizeToIndex(smallMax) + 1;
        this.smallMax = SmallSizeClasses.indexToSize(smallBins - 1);
        int pageBins = (int) (slabMaxAlloc >>> Pages.LG_PAGE);
        this.pagesMax = (long) pageBins << Pages.LG_PAGE;
        this.itemBytes = new long[1 + smallBins + pageBins];
        itemBytes[NONE] = Long.MAX_VALUE; // never cached: no bound admits one
        for (int index = 0; index < smallBins; index++) {
            itemBytes[1 + index] = SmallSizeClasses.indexToSize(index);
        }
        for (int pages = 1; pages <= pageBins; pages++) {
            itemBytes[smallBins + pages] = (long) pages << Pages.LG_PAGE;
        }
    }

    /** {@return the highest bin; bins run from 1 to it} */
    public int last() {
        return itemBytes.length - 1;
    }

    /**
     * {@return the bin a request of {@code bytes} is served from, or {@link #NONE}}
     *
     * @param bytes the request's size
     */
    public int ofRequest(long bytes) {
        if (bytes <= 0 || bytes > pagesMax) {
            return NONE;
        }
        if (bytes <= smallMax) {
            return 1 + SmallSizeClasses.sizeToIndex(bytes);
        }
        return smallBins + (int) ((bytes + Pages.PAGE_MASK) >>> Pages.LG_PAGE);
    }

    /**
     * The bin of a request of {@code bytes} at {@code alignment}, or {@link #NONE}: as
     * {@link SizeRouter} routes it, a small class whose every region is so aligned, else whole pages
     * (page-aligned). An alignment that is not a power of two, or above a page, is {@link #NONE}: its
     * shard refuses or serves it.
     *
     * @param bytes     the request's size
     * @param alignment the request's alignment
     * @return the bin, or {@link #NONE}
     */
    public int ofRequest(long bytes, long alignment) {
        if (alignment == 1) {
            return ofRequest(bytes);
        }
        if (alignment < 1
                || Long.bitCount(alignment) != 1
                || alignment > Pages.PAGE
                || bytes <= 0
                || bytes > pagesMax) {
            return NONE;
        }
        long usable = SmallSizeClasses.alignedUsableSize(bytes, alignment);
        if (usable > 0 && usable <= smallMax) {
            return 1 + SmallSizeClasses.sizeToIndex(usable);
        }
        return smallBins + (int) ((bytes + Pages.PAGE_MASK) >>> Pages.LG_PAGE);
    }

    /**
     * {@return the bin an allocation of usable size {@code usable} (as its layer served it) goes back to, or {@link #NONE}}
     *
     * @param usable the allocation's usable size
     */
    public int ofUsable(long usable) {
        if (usable < Pages.PAGE) {
            return usable <= smallMax && usable > 0 && SmallSizeClasses.usableSize(usable) == usable
                    ? 1 + SmallSizeClasses.sizeToIndex(usable)
                    : NONE;
        }
        return (usable & Pages.PAGE_MASK) == 0 && usable <= pagesMax
                ? smallBins + (int) (usable >>> Pages.LG_PAGE)
                : NONE;
    }

    /**
     * {@return the size of one item of {@code bin}: what its requests ask the shard for}
     *
     * @param bin a bin from 1 to {@link #last()}
     */
    public long itemBytes(int bin) {
        return itemBytes[bin];
    }

    /** {@return every bin's item size, {@link Long#MAX_VALUE} for {@link #NONE}, as {@link ThreadCachePolicy} takes them} */
    public long[] itemBytes() {
        return Arrays.copyOf(itemBytes, itemBytes.length);
    }

    /**
     * {@return whether {@code bin} holds a small class (its items are regions of a bin slab)}
     *
     * @param bin a bin from 1 to {@link #last()}
     */
    public boolean small(int bin) {
        return bin >= 1 && bin <= smallBins;
    }
}
