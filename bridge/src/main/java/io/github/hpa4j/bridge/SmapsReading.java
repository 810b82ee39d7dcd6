package io.github.hpa4j.bridge;

/**
 * Memory of some VMAs as the kernel reports it, in bytes.
 *
 * @param size          virtual size
 * @param rss           resident bytes
 * @param anonHugePages resident bytes mapped by PMD-level (2 MiB) anonymous hugepages
 * @param partialVmas   VMAs that straddled a range boundary, whose Rss and AnonHugePages were
 *                      prorated by overlap (smaps only has per-VMA totals); 0 means the reading is exact
 */
public record SmapsReading(long size, long rss, long anonHugePages, int partialVmas) {
    /** Nothing read: the reading of no ranges. */
    public static final SmapsReading EMPTY = new SmapsReading(0, 0, 0, 0);

    /**
     * An exact reading, with no VMA prorated.
     *
     * @param size          virtual size
     * @param rss           resident bytes
     * @param anonHugePages resident bytes mapped by anonymous hugepages
     */
    public SmapsReading(long size, long rss, long anonHugePages) {
        this(size, rss, anonHugePages, 0);
    }

    /** {@return AnonHugePages / Rss; 0 when nothing is resident} */
    public double hugepageCoverage() {
        return rss == 0 ? 0.0 : (double) anonHugePages / rss;
    }
}
