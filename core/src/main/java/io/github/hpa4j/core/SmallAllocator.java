package io.github.hpa4j.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The small-size part of a jemalloc arena: one {@link Bin} per {@link SmallSizeClasses small class},
 * with slabs carved from whole-page extents of a {@link PageExtentSource} (an HPA shard) and given
 * back as soon as they are empty, so that the HPA can purge them ({@code arena_slab_dalloc}).
 *
 * <p>Regions are addresses, not objects: a free is checked against the slab that holds the address
 * (jemalloc's emap registers every page of a slab; here a map from page to slab), and a bad free
 * is refused with {@link InvalidFreeException} before anything changes.
 *
 * <p>Regions are never reported as known zero: a region is at most 14 KiB, which costs less to clear
 * than a page bitmap per slab costs to keep. Single-threaded, as a shard is.
 */
public final class SmallAllocator {
    private final int index;
    private final PageExtentSource source;
    private final Bin[] bins = new Bin[SmallSizeClasses.NBINS];
    private final LongHashMap<BinSlab> slabsByPage = new LongHashMap<>();
    private long serial;

    /**
     * Bins numbered {@code index} (named in refusals) over slabs from {@code source}.
     *
     * @param index  names the bins in refusals
     * @param source gives and takes back the bin slabs' pages
     */
    public SmallAllocator(int index, PageExtentSource source) {
        this.index = index;
        this.source = source;
        for (int i = 0; i < bins.length; i++) {
            bins[i] = new Bin(i);
        }
    }

    /** {@return the index named in refusals: that of the shard whose pages the bins use} */
    public int index() {
        return index;
    }

    /**
     * {@return the address of one region for {@code size} bytes; {@link InvalidSizeException} unless small}
     *
     * @param size the size asked for
     */
    public long alloc(long size) {
        Bin bin = bins[SmallSizeClasses.sizeToIndex(size)];
        long address = allocRegion(bin);
        bin.nmalloc++;
        bin.curregs++;
        bin.requestedBytes += size;
        return address;
    }

    /**
     * arena_cache_bin_fill_small: {@code count} regions of {@code size} bytes into {@code out} from
     * {@code offset}, for a thread cache to fill one bin. All or nothing: if the page source fails
     * midway, the regions taken go back and its exception is rethrown.
     *
     * @param size   the size asked for
     * @param count  how many regions
     * @param out    receives the regions' addresses
     * @param offset where in {@code out} the first goes
     */
    public void allocBatch(long size, int count, long[] out, int offset) {
        Bin bin = bins[SmallSizeClasses.sizeToIndex(size)];
        if (count < 1 || count > Shard.MAX_BATCH || offset < 0 || offset + count > out.length) {
            throw new InvalidCountException(count, Shard.MAX_BATCH);
        }
        int got = 0;
        try {
            for (; got < count; got++) {
                out[offset + got] = allocRegion(bin);
            }
        } catch (AllocatorException e) {
            for (int i = 0; i < got; i++) {
                freeRegion(bin, slabsByPage.get(out[offset + i] >>> Pages.LG_PAGE), out[offset + i]);
            }
            throw e;
        }
        bin.nmalloc += count;
        bin.curregs += count;
        bin.requestedBytes += size * count;
        bin.nfills++;
    }

    private long allocRegion(Bin bin) {
        BinSlab slab = bin.slabWithRoom();
        if (slab == null) {
            long bytes = (long) SmallSizeClasses.slabPages(bin.index) << Pages.LG_PAGE;
            Extent extent = source.allocPages(bytes);
            if (extent.size() != bytes || !Pages.isPageAligned(extent.address())) {
                throw new IllegalStateException("page source returned " + extent + " for " + bytes + " bytes");
            }
            slab = new BinSlab(extent, bin.index, serial++);
            for (int p = 0; p < extent.pages(); p++) {
                slabsByPage.put((extent.address() >>> Pages.LG_PAGE) + p, slab);
            }
            bin.installFresh(slab);
        }
        return slab.allocRegion();
    }

    /**
     * The region at {@code address}, whatever its class.
     *
     * @param address the region's address
     */
    public void free(long address) {
        BinSlab slab = validateFree(address, -1);
        Bin bin = bins[slab.binIndex()];
        freeRegion(bin, slab, address);
        bin.ndalloc++;
        bin.curregs--;
    }

    /**
     * A sized free (sdallocx): also refused if {@code size} is not of the region's class.
     *
     * @param address the region's address
     * @param size    the size it was asked for with
     */
    public void free(long address, long size) {
        BinSlab slab = validateFree(address, size);
        Bin bin = bins[slab.binIndex()];
        freeRegion(bin, slab, address);
        bin.ndalloc++;
        bin.curregs--;
    }

    /**
     * A thread cache flush: frees {@code count} regions of {@code addresses} from {@code offset}, all
     * of the class of {@code size}. The batch is checked first; if any is refused, none is freed.
     *
     * @param size      the size the regions were asked for with
     * @param addresses the regions' addresses
     * @param offset    where in {@code addresses} the first is
     * @param count     how many
     */
    public void freeBatch(long size, long[] addresses, int offset, int count) {
        if (count < 1 || count > Shard.MAX_BATCH || offset < 0 || offset + count > addresses.length) {
            throw new InvalidCountException(count, Shard.MAX_BATCH);
        }
        BinSlab[] slabs = new BinSlab[count];
        for (int i = 0; i < count; i++) {
            slabs[i] = validateFree(addresses[offset + i], size);
        }
        long[] sorted = Arrays.copyOfRange(addresses, offset, offset + count);
        Arrays.sort(sorted);
        for (int i = 1; i < count; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new InvalidFreeException(FreeRefusal.DUPLICATE_IN_BATCH, sorted[i], size, index);
            }
        }
        for (int i = 0; i < count; i++) {
            Bin bin = bins[slabs[i].binIndex()];
            freeRegion(bin, slabs[i], addresses[offset + i]);
            bin.ndalloc++;
            bin.curregs--;
        }
    }

    /**
     * The slab of a live region at {@code address}, else {@link InvalidFreeException}. With
     * {@code size >= 0} the size must fall in the region's class; -1 checks no size.
     *
     * @param address the region's address
     * @param size    the size it was asked for with, or -1
     * @return the region's slab
     */
    public BinSlab validateFree(long address, long size) {
        long named = Math.max(size, 0); // an unsized free names no size in the refusal
        BinSlab slab = slabsByPage.get(address >>> Pages.LG_PAGE);
        if (slab == null) {
            throw new InvalidFreeException(FreeRefusal.UNKNOWN_ADDRESS, address, named, index);
        }
        int region = slab.regionAt(address);
        if (region < 0) {
            throw new InvalidFreeException(FreeRefusal.NOT_REGION_START, address, named, index);
        }
        if (size >= 0 && (!SmallSizeClasses.isSmall(size) || SmallSizeClasses.sizeToIndex(size) != slab.binIndex())) {
            throw new InvalidFreeException(FreeRefusal.WRONG_SIZE, address, named, index);
        }
        if (!slab.inUse(region)) {
            throw new InvalidFreeException(FreeRefusal.NOT_ALLOCATED, address, named, index);
        }
        return slab;
    }

    private void freeRegion(Bin bin, BinSlab slab, long address) {
        slab.freeRegion(slab.regionAt(address));
        if (bin.afterFree(slab)) {
            Extent extent = slab.extent();
            for (int p = 0; p < extent.pages(); p++) {
                slabsByPage.remove((extent.address() >>> Pages.LG_PAGE) + p);
            }
            source.freePages(extent);
        }
    }

    /**
     * {@return the class of the live region at {@code address}, or -1 if there is none there}
     *
     * @param address any address
     */
    public int classOf(long address) {
        BinSlab slab = slabsByPage.get(address >>> Pages.LG_PAGE);
        if (slab == null) {
            return -1;
        }
        int region = slab.regionAt(address);
        return region >= 0 && slab.inUse(region) ? slab.binIndex() : -1;
    }

    /**
     * {@return the counters of class {@code binIndex}}
     *
     * @param binIndex a class index
     */
    public SmallClassStats stats(int binIndex) {
        return bins[binIndex].stats();
    }

    /** {@return every class's counters, smallest first} */
    public List<SmallClassStats> stats() {
        List<SmallClassStats> all = new ArrayList<>(bins.length);
        for (Bin bin : bins) {
            all.add(bin.stats());
        }
        return all;
    }

    /** {@return live regions over every class} */
    public long liveRegions() {
        long n = 0;
        for (Bin bin : bins) {
            n += bin.curregs;
        }
        return n;
    }

    /** {@return slabs held over every class} */
    public long slabCount() {
        long n = 0;
        for (Bin bin : bins) {
            n += bin.curslabs;
        }
        return n;
    }

    /**
     * Gives every slab back to the source, live regions or not (arena reset at shutdown); returns
     * the number of live regions that were dropped.
     *
     * @return the live regions dropped
     */
    public long destroy() {
        long live = liveRegions();
        for (Bin bin : bins) {
            List<BinSlab> slabs = new ArrayList<>(bin.nonfull);
            slabs.addAll(bin.full);
            if (bin.slabcur != null) {
                slabs.add(bin.slabcur);
            }
            for (BinSlab slab : slabs) {
                for (int p = 0; p < slab.extent().pages(); p++) {
                    slabsByPage.remove((slab.address() >>> Pages.LG_PAGE) + p);
                }
                source.freePages(slab.extent());
            }
            bin.nonfull.clear();
            bin.full.clear();
            bin.slabcur = null;
            bin.ndalloc += bin.curregs;
            bin.curregs = 0;
            bin.curslabs = 0;
        }
        return live;
    }

    /**
     * Recomputes every bin's counters from its slabs; a description of the first mismatch, or null.
     * The test build runs it after every step of the model test.
     *
     * @return the first mismatch, or null
     */
    public String inconsistency() {
        int pages = 0;
        for (Bin bin : bins) {
            List<BinSlab> slabs = new ArrayList<>(bin.nonfull);
            slabs.addAll(bin.full);
            if (bin.slabcur != null) {
                slabs.add(bin.slabcur);
            }
            long regs = 0;
            for (BinSlab slab : slabs) {
                String bad = slab.inconsistency();
                if (bad != null) {
                    return bad;
                }
                if (slab.binIndex() != bin.index || slab.empty()) {
                    return slab + " filed in bin " + bin.index + (slab.empty() ? " while empty" : "");
                }
                regs += slab.nregs() - slab.nfree();
                pages += slab.extent().pages();
            }
            for (BinSlab slab : bin.full) {
                if (!slab.full()) {
                    return slab + " is on the full list";
                }
            }
            for (BinSlab slab : bin.nonfull) {
                if (slab.full()) {
                    return slab + " is on the non-full heap";
                }
            }
            if (regs != bin.curregs || slabs.size() != bin.curslabs || bin.nmalloc - bin.ndalloc != bin.curregs) {
                return "bin " + bin.index + ": curregs " + bin.curregs + " curslabs " + bin.curslabs + " nmalloc "
                        + bin.nmalloc + " ndalloc " + bin.ndalloc + " but slabs hold " + regs + " in " + slabs.size();
            }
        }
        return pages == slabsByPage.size() ? null : "page map has " + slabsByPage.size() + " pages, slabs " + pages;
    }
}
