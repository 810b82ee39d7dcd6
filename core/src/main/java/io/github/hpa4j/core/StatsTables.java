package io.github.hpa4j.core;

import java.util.List;
import java.util.Locale;

/**
 * The size-class stats as text, laid out as {@code malloc_stats_print} lays out its "bins:" and
 * "large:" sections, for logs and the actors' stats reply. Classes never used are left out, as
 * malloc_stats_print folds them into "---".
 */
public final class StatsTables {
    private StatsTables() {}

    /**
     * One line per used class: size, index, bytes allocated now, nmalloc, ndalloc, curregs, curslabs,
     * regions per slab, pages per slab, utilisation of the slabs held, rounding waste ever.
     *
     * @param classes every class's counters, smallest first
     * @return the table, one line per used class after a header
     */
    public static String bins(List<SmallClassStats> classes) {
        StringBuilder s = new StringBuilder(String.format(
                Locale.ROOT,
                "%-6s %6s %4s %12s %10s %10s %9s %9s %5s %4s %5s %12s%n",
                "bins:",
                "size",
                "ind",
                "allocated",
                "nmalloc",
                "ndalloc",
                "curregs",
                "curslabs",
                "regs",
                "pgs",
                "util",
                "waste"));
        for (int i = 0; i < classes.size(); i++) {
            SmallClassStats c = classes.get(i);
            if (c.nmalloc() == 0) {
                continue;
            }
            long capacity = c.curslabs() * c.regionsPerSlab();
            String util = capacity == 0 ? "1" : String.format(Locale.ROOT, "%.3f", (double) c.curregs() / capacity);
            s.append(String.format(
                    Locale.ROOT,
                    "%-6s %6d %4d %12d %10d %10d %9d %9d %5d %4d %5s %12d%n",
                    "",
                    c.regionSize(),
                    i,
                    c.curBytes(),
                    c.nmalloc(),
                    c.ndalloc(),
                    c.curregs(),
                    c.curslabs(),
                    c.regionsPerSlab(),
                    c.slabPages(),
                    util,
                    c.roundingWasteBytes()));
        }
        return s.toString();
    }

    /**
     * {@return the large allocator's counters: allocations, rounding, the hugepage cache, regions and the OS calls}
     *
     * @param l the large allocator's counters
     */
    public static String large(LargeStats l) {
        return String.format(
                Locale.ROOT,
                "large:  allocated %d (asked %d, waste %d) nmalloc %d ndalloc %d curextents %d (in regions %d)%n"
                        + "  cache: %d hugepages, hits %d misses %d released %d%n"
                        + "  regions: %d, %d pages used, %d hugepages backed (%d subreleased; %d dirty pages subreleased ever)%n"
                        + "  os: mapped %d bytes in %d maps, %d unmaps, %d purges (%d bytes), %d hugifies%n",
                l.curBytes(),
                l.curRequestedBytes(),
                l.roundingWasteBytes(),
                l.nmalloc(),
                l.ndalloc(),
                l.curExtents(),
                l.inRegionExtents(),
                l.cachedHugepages(),
                l.cacheHits(),
                l.cacheMisses(),
                l.cacheReleasedHugepages(),
                l.regions(),
                l.regionUsedPages(),
                l.regionBackedHugepages(),
                l.regionSubreleasedHugepages(),
                l.regionSubreleasedPages(),
                l.mappedBytes(),
                l.maps(),
                l.unmaps(),
                l.purges(),
                l.purgedBytes(),
                l.hugifies());
    }
}
