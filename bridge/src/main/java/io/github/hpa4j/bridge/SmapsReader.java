package io.github.hpa4j.bridge;

import io.github.hpa4j.core.Pages;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Reads {@code /proc/self/smaps} for the allocator's own regions and {@code /proc/self/smaps_rollup}
 * for the whole process, parsing bytes (no regex, no String per line) into one reused buffer.
 *
 * <p><b>Attribution.</b> smaps has one block per VMA with totals only. A VMA fully inside the given
 * ranges counts fully; a VMA straddling a range boundary counts its overlapping Size exactly and its
 * Rss and AnonHugePages prorated by overlap, and is counted in {@link SmapsReading#partialVmas()}.
 * When does a VMA straddle? The kernel merges adjacent anonymous VMAs with identical flags. Verified
 * here: over-map-and-trim places each new region directly below the previous one, so <em>our own</em>
 * regions merge with each other (and split again on munmap or on a partial madvise). That is harmless
 * when the caller passes all its regions, as the allocator does. Foreign mappings did merge with ours
 * (observed: the read-write part of a glibc malloc arena, also private, anonymous and MAP_NORESERVE,
 * directly above one of our regions), so {@link LinuxPageHooks} marks every region MADV_DONTFORK, a
 * VMA flag nobody else sets: now only our own regions merge. Passing a subset of adjacent regions
 * still gives an approximate reading, flagged by {@code partialVmas > 0}.
 *
 * <p>Cost, measured by {@code PageCostBenchmark}: about 2.5 ms for smaps and 1.5 ms for the rollup
 * in a JVM with ~270 VMAs and 128 MiB of ours resident (the kernel walks the page tables); fine once a
 * second. Thread-safe (synchronized: one shared buffer).
 */
public final class SmapsReader {
    private static final byte[] RSS = "Rss:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANON_HUGE_PAGES = "AnonHugePages:".getBytes(StandardCharsets.US_ASCII);

    private final Path smaps;
    private final Path smapsRollup;
    private final Path statm;
    private byte[] buffer = new byte[256 * 1024];

    /** A reader of this process's own {@code /proc/self} files. */
    public SmapsReader() {
        this(Path.of("/proc/self/smaps"), Path.of("/proc/self/smaps_rollup"), Path.of("/proc/self/statm"));
    }

    SmapsReader(Path smaps, Path smapsRollup, Path statm) {
        this.smaps = smaps;
        this.smapsRollup = smapsRollup;
        this.statm = statm;
    }

    /**
     * Size, Rss and AnonHugePages of the VMAs overlapping {@code ranges} (see class comment).
     *
     * @param ranges the ranges to read, in any order; overlapping ones count once
     * @return the reading, {@link SmapsReading#EMPTY} for no ranges
     */
    public synchronized SmapsReading read(Collection<AddressRange> ranges) {
        long[] bounds = normalize(ranges);
        if (bounds.length == 0) {
            return SmapsReading.EMPTY;
        }
        int length = readFully(smaps);
        return parse(buffer, length, bounds);
    }

    /**
     * The whole process from smaps_rollup. Rollup has no Size line, so size is VmSize from
     * {@code /proc/self/statm} (first field, in pages of {@link Pages#PAGE}).
     *
     * @return the process's reading; exact, so its partial VMAs are 0
     */
    public synchronized SmapsReading readProcess() {
        int length = readFully(smapsRollup);
        SmapsReading rollup = parse(buffer, length, null);
        int statmLength = readFully(statm);
        long pages = parseDecimal(buffer, 0, statmLength);
        return new SmapsReading(pages * Pages.PAGE, rollup.rss(), rollup.anonHugePages(), 0);
    }

    /**
     * Sorted, merged, disjoint ranges as {@code [start0, end0, start1, end1, ...]}: merging first
     * makes the overlap of a VMA one binary search plus a short walk.
     */
    static long[] normalize(Collection<AddressRange> ranges) {
        List<AddressRange> sorted = new ArrayList<>(ranges);
        sorted.removeIf(r -> r.size() == 0);
        sorted.sort(Comparator.comparingLong(AddressRange::address));
        long[] bounds = new long[sorted.size() * 2];
        int n = 0;
        for (AddressRange r : sorted) {
            if (n > 0 && r.address() <= bounds[n - 1]) {
                bounds[n - 1] = Math.max(bounds[n - 1], r.end());
            } else {
                bounds[n++] = r.address();
                bounds[n++] = r.end();
            }
        }
        return Arrays.copyOf(bounds, n);
    }

    /**
     * Parses smaps text. {@code bounds} as from {@link #normalize}; null means every VMA counts fully
     * (smaps_rollup's single pseudo-VMA). A VMA header starts with a lowercase hex digit; field lines
     * start with an uppercase letter.
     */
    static SmapsReading parse(byte[] text, int length, long[] bounds) {
        long size = 0;
        long rss = 0;
        long anonHuge = 0;
        int partial = 0;
        long vmaLength = 0;
        long overlap = 0; // bytes of the current VMA inside bounds; 0 = skip its fields
        int pos = 0;
        while (pos < length) {
            int lineEnd = indexOf(text, (byte) '\n', pos, length);
            byte first = text[pos];
            if (isLowerHex(first)) {
                int dash = indexOf(text, (byte) '-', pos, lineEnd);
                int space = indexOf(text, (byte) ' ', dash, lineEnd);
                long start = parseHex(text, pos, dash);
                long end = parseHex(text, dash + 1, space);
                vmaLength = end - start;
                overlap = bounds == null ? vmaLength : overlap(bounds, start, end);
                if (overlap > 0) {
                    size += overlap;
                    if (overlap < vmaLength) {
                        partial++;
                    }
                }
            } else if (overlap > 0) {
                if (startsWith(text, pos, lineEnd, RSS)) {
                    rss += attributed(parseDecimal(text, pos + RSS.length, lineEnd) * 1024, overlap, vmaLength);
                } else if (startsWith(text, pos, lineEnd, ANON_HUGE_PAGES)) {
                    anonHuge += attributed(
                            parseDecimal(text, pos + ANON_HUGE_PAGES.length, lineEnd) * 1024, overlap, vmaLength);
                }
            }
            pos = lineEnd + 1;
        }
        return new SmapsReading(size, rss, anonHuge, partial);
    }

    private static long attributed(long bytes, long overlap, long vmaLength) {
        if (overlap >= vmaLength || vmaLength <= 0) {
            return bytes;
        }
        return (long) ((double) bytes * overlap / vmaLength);
    }

    /** Bytes of {@code [start, end)} inside the disjoint sorted bounds. */
    static long overlap(long[] bounds, long start, long end) {
        // First range whose end is past start: binary search over the range ends.
        int lo = 0;
        int hi = bounds.length / 2;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (bounds[2 * mid + 1] <= start) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        long total = 0;
        for (int i = lo; i < bounds.length / 2 && bounds[2 * i] < end; i++) {
            total += Math.min(end, bounds[2 * i + 1]) - Math.max(start, bounds[2 * i]);
        }
        return total;
    }

    private int readFully(Path path) {
        try (FileInputStream in = new FileInputStream(path.toFile())) {
            int length = 0;
            while (true) {
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    return length;
                }
                length += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static int indexOf(byte[] text, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text[i] == b) {
                return i;
            }
        }
        return to;
    }

    private static boolean isLowerHex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f');
    }

    private static boolean startsWith(byte[] text, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (text[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static long parseHex(byte[] text, int from, int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            byte b = text[i];
            value = (value << 4) | (b <= '9' ? b - '0' : b - 'a' + 10);
        }
        return value;
    }

    /** The first run of decimal digits after {@code from} (skips the padding spaces). */
    private static long parseDecimal(byte[] text, int from, int to) {
        int i = from;
        while (i < to && (text[i] < '0' || text[i] > '9')) {
            i++;
        }
        long value = 0;
        while (i < to && text[i] >= '0' && text[i] <= '9') {
            value = value * 10 + (text[i] - '0');
            i++;
        }
        return value;
    }
}
