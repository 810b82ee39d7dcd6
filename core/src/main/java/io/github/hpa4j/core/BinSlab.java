package io.github.hpa4j.core;

/**
 * One slab of a bin: an extent of whole pages cut into equal regions of one size class, with a
 * bitmap of the regions in use. jemalloc keeps this in the slab's {@code edata_t} (binind, nfree)
 * and a {@code bitmap_t}; a set bit here is a region in use, as in jemalloc.
 */
final class BinSlab {
    private final Extent extent;
    private final int binIndex;
    private final int regionSize;
    private final int nregs;
    /* jemalloc's extent serial number: nonfull slabs are used oldest first, then lowest address. */
    private final long serial;
    private final FlatBitmap used;
    private int nfree;

    BinSlab(Extent extent, int binIndex, long serial) {
        this.extent = extent;
        this.binIndex = binIndex;
        this.regionSize = SmallSizeClasses.indexToSize(binIndex);
        this.nregs = SmallSizeClasses.regionsPerSlab(binIndex);
        assert extent.size() == (long) SmallSizeClasses.slabPages(binIndex) << Pages.LG_PAGE;
        this.serial = serial;
        this.used = new FlatBitmap(nregs);
        this.nfree = nregs;
    }

    /** The page extent the slab is carved from. */
    public Extent extent() {
        return extent;
    }

    /** The slab's first byte, where its region 0 starts. */
    public long address() {
        return extent.address();
    }

    /** The size class of its regions. */
    public int binIndex() {
        return binIndex;
    }

    /** Regions in the slab. */
    public int nregs() {
        return nregs;
    }

    /** Regions free now. */
    public int nfree() {
        return nfree;
    }

    long serial() {
        return serial;
    }

    /** No region free. */
    public boolean full() {
        return nfree == 0;
    }

    /** Every region free. */
    public boolean empty() {
        return nfree == nregs;
    }

    /** Whether {@code address} lies in this slab. */
    public boolean contains(long address) {
        return address >= extent.address() && address < extent.end();
    }

    /** The region starting at {@code address}, or -1 if no region starts there. */
    int regionAt(long address) {
        long offset = address - extent.address();
        if (offset < 0 || offset >= (long) nregs * regionSize || offset % regionSize != 0) {
            return -1;
        }
        return (int) (offset / regionSize);
    }

    boolean inUse(int region) {
        return used.get(region);
    }

    /** arena_slab_reg_alloc: the lowest free region, as bitmap_sfu picks it. */
    long allocRegion() {
        assert nfree > 0;
        int region = used.findFirstUnset(0);
        used.set(region);
        nfree--;
        return extent.address() + (long) region * regionSize;
    }

    /** arena_slab_reg_dalloc; the caller has checked that the region is in use. */
    void freeRegion(int region) {
        assert used.get(region);
        used.unset(region);
        nfree++;
    }

    /** Recounts the free regions from the bitmap, or null if they agree. */
    String inconsistency() {
        int free = nregs - used.countSet(0, nregs);
        return free == nfree ? null : this + ": nfree " + nfree + " but the bitmap has " + free + " free";
    }

    @Override
    public String toString() {
        return "BinSlab[0x" + Long.toHexString(extent.address()) + ", class " + regionSize + ", " + nfree + "/" + nregs
                + " free]";
    }
}
