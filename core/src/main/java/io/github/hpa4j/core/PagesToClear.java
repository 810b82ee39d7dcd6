package io.github.hpa4j.core;

import java.util.Arrays;

/**
 * The pages of an extent handed out for a zeroed request that may hold old data and must be
 * cleared by the caller; every other page is known to be zero, because the OS never backed it or a
 * purge gave it back since (the slab's touched bitmap, hpdata's {@code touched_pages}). jemalloc's
 * HPA refuses zeroed requests for want of exactly this; the page allocator it falls back to
 * ({@code pac}) tracks zeroness per extent, not per page.
 *
 * <p>Runs are in pages from the extent's start, ascending and never adjacent, each packed as a
 * {@link BitRange}.
 */
public final class PagesToClear {
    /** Every page is known zero. */
    public static final PagesToClear NONE = new PagesToClear(new long[0], 0);

    private final long[] runs;
    private final int count;

    private PagesToClear(long[] runs, int count) {
        this.runs = runs;
        this.count = count;
    }

    /**
     * {@return runs saying that all {@code pages} pages of an extent must be cleared}
     *
     * @param pages the extent's pages
     */
    public static PagesToClear all(int pages) {
        Builder b = new Builder();
        b.add(0, pages);
        return b.build();
    }

    /** {@return the number of runs to clear} */
    public int runCount() {
        return count;
    }

    /**
     * {@return the first page of run {@code i}, from the extent's start}
     *
     * @param i a run, from 0 to {@link #runCount()} - 1
     */
    public int runPage(int i) {
        return BitRange.begin(run(i));
    }

    /**
     * {@return the pages in run {@code i}}
     *
     * @param i a run, from 0 to {@link #runCount()} - 1
     */
    public int runPages(int i) {
        return BitRange.length(run(i));
    }

    /**
     * Byte offset of run {@code i} from the extent's start.
     *
     * @param i a run, from 0 to {@link #runCount()} - 1
     * @return the run's byte offset from the extent's start
     */
    public long runOffset(int i) {
        return (long) runPage(i) << Pages.LG_PAGE;
    }

    /**
     * {@return bytes in run {@code i}}
     *
     * @param i a run, from 0 to {@link #runCount()} - 1
     */
    public long runBytes(int i) {
        return (long) runPages(i) << Pages.LG_PAGE;
    }

    /** {@return pages to clear over every run} */
    public long pages() {
        long n = 0;
        for (int i = 0; i < count; i++) {
            n += runPages(i);
        }
        return n;
    }

    /**
     * {@return whether page {@code page} (from the extent's start) must be cleared}
     *
     * @param page a page index in the extent
     */
    public boolean mustClear(int page) {
        for (int i = 0; i < count; i++) {
            if (page >= runPage(i) && page < runPage(i) + runPages(i)) {
                return true;
            }
        }
        return false;
    }

    /** {@return whether nothing needs clearing} */
    public boolean none() {
        return count == 0;
    }

    private long run(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i);
        }
        return runs[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PagesToClear p && p.count == count && Arrays.equals(runs, 0, count, p.runs, 0, p.count);
    }

    @Override
    public int hashCode() {
        int h = count;
        for (int i = 0; i < count; i++) {
            h = h * 31 + Long.hashCode(runs[i]);
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("PagesToClear[");
        for (int i = 0; i < count; i++) {
            s.append(i == 0 ? "" : ", ").append(runPage(i)).append('+').append(runPages(i));
        }
        return s.append(']').toString();
    }

    /** Collects runs in ascending order, merging those that touch. */
    public static final class Builder {
        private long[] runs = new long[4];
        private int count;

        /** A builder with no run yet. */
        public Builder() {}

        /**
         * Adds pages {@code [page, page + pages)}, which must not start before the last run's end.
         *
         * @param page  the first page, from the extent's start
         * @param pages how many; none is added for 0 or fewer
         * @return this builder
         */
        public Builder add(int page, int pages) {
            if (pages <= 0) {
                return this;
            }
            if (count > 0) {
                long last = runs[count - 1];
                int end = BitRange.end(last);
                if (page < end) {
                    throw new IllegalArgumentException("run at " + page + " starts before the last one ends at " + end);
                }
                if (page == end) {
                    runs[count - 1] = BitRange.of(BitRange.begin(last), BitRange.length(last) + pages);
                    return this;
                }
            }
            if (count == runs.length) {
                runs = Arrays.copyOf(runs, count * 2);
            }
            runs[count++] = BitRange.of(page, pages);
            return this;
        }

        /** {@return the runs added so far} */
        public PagesToClear build() {
            return count == 0 ? NONE : new PagesToClear(Arrays.copyOf(runs, count), count);
        }
    }
}
