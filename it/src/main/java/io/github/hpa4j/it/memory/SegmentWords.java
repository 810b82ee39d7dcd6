package io.github.hpa4j.it.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongUnaryOperator;

/**
 * Fills and checks every 8-byte word of a memory segment with a pattern given as a function of
 * each word's offset. The workload runner and the tests' ledger both fill whole allocations this
 * way, each with a pattern of its own, so the walk over the words is written once.
 */
public final class SegmentWords {
    /** One word of a pattern: 8 bytes, native order. */
    public static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG;

    private SegmentWords() {}

    /** Writes {@code pattern}'s word at every 8-byte offset of {@code segment}. */
    public static void fill(MemorySegment segment, LongUnaryOperator pattern) {
        for (long offset = 0, size = segment.byteSize(); offset < size; offset += WORD.byteSize()) {
            segment.set(WORD, offset, pattern.applyAsLong(offset));
        }
    }

    /**
     * {@return the offset of the first word of {@code segment} that does not hold {@code pattern}'s
     * word, or -1 when every word does}
     */
    public static long firstMismatch(MemorySegment segment, LongUnaryOperator pattern) {
        for (long offset = 0, size = segment.byteSize(); offset < size; offset += WORD.byteSize()) {
            if (segment.get(WORD, offset) != pattern.applyAsLong(offset)) {
                return offset;
            }
        }
        return -1;
    }
}
