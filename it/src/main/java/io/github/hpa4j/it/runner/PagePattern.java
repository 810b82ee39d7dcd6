package io.github.hpa4j.it.runner;

import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.it.memory.SegmentWords;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Writes a pattern unique to one allocation and verifies it. Each 8-byte word holds a hash of the
 * allocation's random tag and the word's offset, so a word copied from another allocation, or from
 * elsewhere in this one, or zeroed by a purge, does not verify.
 */
final class PagePattern {
    private static final long PAGE = Pages.PAGE;
    private static final ValueLayout.OfLong WORD = SegmentWords.WORD;

    private final FillMode mode;

    PagePattern(FillMode mode) {
        this.mode = mode;
    }

    void write(Allocation allocation, long tag) {
        MemorySegment segment = allocation.segment();
        long size = allocation.size();
        if (mode == FillMode.FULL) {
            SegmentWords.fill(segment, offset -> expected(tag, offset));
            return;
        }
        for (long page = 0; page < size; page += PAGE) {
            long last = page + PAGE - WORD.byteSize();
            segment.set(WORD, page, expected(tag, page));
            segment.set(WORD, last, expected(tag, last));
        }
    }

    /** Throws {@link DataMismatchException} naming the allocation, the offset and both values. */
    void verify(Allocation allocation, long tag, long serial) {
        MemorySegment segment = allocation.segment();
        long size = allocation.size();
        if (mode == FillMode.FULL) {
            long mismatch = SegmentWords.firstMismatch(segment, offset -> expected(tag, offset));
            if (mismatch >= 0) {
                check(segment, allocation, tag, serial, mismatch);
            }
            return;
        }
        for (long page = 0; page < size; page += PAGE) {
            check(segment, allocation, tag, serial, page);
            check(segment, allocation, tag, serial, page + PAGE - WORD.byteSize());
        }
    }

    private static void check(MemorySegment segment, Allocation allocation, long tag, long serial, long offset) {
        long want = expected(tag, offset);
        long got = segment.get(WORD, offset);
        if (got != want) {
            throw new DataMismatchException(String.format(
                    "allocation #%d %s does not hold what was written: at offset %d (page %d, address 0x%x)"
                            + " expected 0x%016x, found 0x%016x%s",
                    serial,
                    allocation,
                    offset,
                    offset / PAGE,
                    allocation.address() + offset,
                    want,
                    got,
                    got == 0 ? " (zero: purged while allocated?)" : " (overlaps another allocation?)"));
        }
    }

    /** SplitMix64's finalizer over tag and offset: cheap, and never the same word twice by accident. */
    static long expected(long tag, long offset) {
        long z = tag + (offset + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
