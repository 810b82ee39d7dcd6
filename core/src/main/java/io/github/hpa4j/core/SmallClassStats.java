package io.github.hpa4j.core;

/**
 * One bin's counters, as {@code malloc_stats_print} prints them under "bins".
 *
 * @param regionSize         the class's region size, bytes
 * @param slabPages          pages per slab
 * @param regionsPerSlab     regions per slab
 * @param nmalloc            regions handed out, ever
 * @param ndalloc            regions freed, ever
 * @param curregs            regions live now
 * @param curslabs           slabs held now
 * @param nslabs             slabs taken from the page source, ever
 * @param nreslabs           times the current slab was replaced by an older non-full one
 * @param nfills             batch allocations (thread cache fills)
 * @param requestedBytes     bytes asked for, ever
 * @param roundingWasteBytes bytes lost to rounding up to the class, ever ({@code nmalloc * regionSize
 *                           - requestedBytes})
 */
public record SmallClassStats(
        int regionSize,
        int slabPages,
        int regionsPerSlab,
        long nmalloc,
        long ndalloc,
        long curregs,
        long curslabs,
        long nslabs,
        long nreslabs,
        long nfills,
        long requestedBytes,
        long roundingWasteBytes) {

    /** {@return bytes of the slabs held now that no live region uses (malloc_stats_print's util, inverted)} */
    public long freeRegionBytes() {
        return (curslabs * regionsPerSlab - curregs) * regionSize;
    }

    /** {@return bytes of live regions} */
    public long curBytes() {
        return curregs * regionSize;
    }
}
