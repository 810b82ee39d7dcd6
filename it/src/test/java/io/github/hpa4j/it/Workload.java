package io.github.hpa4j.it;

import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.SizeRouter;
import java.util.SplittableRandom;

/**
 * What one client does, and the random choices behind it.
 *
 * <p>Sizes: a page count uniform in {@code [1, maxPages]} (maxPages = slab_max_alloc / page, 16 by
 * default), then a byte count uniform within that last page, so every request exercises the
 * rounding to whole pages.
 *
 * <p>Working set: a client alternates between growing to a random high mark in
 * {@code [highMin, highMax]} allocations and shrinking to a random low mark in
 * {@code [0, lowMax]}, freeing random members. The waves empty and refill slabs, which gives the
 * shard purges, hugifications and reuse to do, while the high marks bound resident memory.
 *
 * @param operations  the client's quota: each extent allocated and each extent freed is one operation
 * @param maxBatch    batch counts are uniform in {@code [1, maxBatch]}
 * @param singleShare share of calls made with the single-extent API (allocate / free) instead of a batch
 * @param maxPages    the largest request, in pages
 * @param highMin     lowest high mark
 * @param highMax     highest high mark
 * @param lowMax      highest low mark
 * @param endLive     allocations the client holds when it stops (it allocates up to this after its quota)
 */
record Workload(
        long operations,
        int maxBatch,
        double singleShare,
        int maxPages,
        int highMin,
        int highMax,
        int lowMax,
        int endLive) {

    /** The most pages a request may ask for and still be served from a slab under {@code settings}. */
    static int maxPages(Hpa4jSettings settings) {
        return (int) (settings.shardOptions().slabMaxAlloc() / Pages.PAGE);
    }

    /** One decision of a client. */
    static final class Plan {
        private final Workload workload;
        private final SplittableRandom random;
        private boolean growing = true;
        private int mark;
        long operations;

        Plan(Workload workload, long seed) {
            this.workload = workload;
            this.random = new SplittableRandom(seed);
            this.mark = nextHigh();
        }

        enum Step {
            ALLOCATE,
            FREE,
            STOP
        }

        /**
         * The next call, given the allocations held or on their way. After the quota the client
         * only tops its set up to {@code endLive}, then stops.
         */
        Step next(int live) {
            if (operations >= workload.operations) {
                return live < workload.endLive ? Step.ALLOCATE : Step.STOP;
            }
            if (live == 0) {
                growing = true;
                mark = nextHigh();
            } else if (growing && live >= mark) {
                growing = false;
                mark = random.nextInt(workload.lowMax + 1);
            } else if (!growing && live <= mark) {
                growing = true;
                mark = nextHigh();
            }
            return growing ? Step.ALLOCATE : Step.FREE;
        }

        boolean single() {
            return random.nextDouble() < workload.singleShare;
        }

        int batchCount() {
            return 1 + random.nextInt(workload.maxBatch);
        }

        /**
         * A request size in bytes: uniform page count, then uniform within the last page, but above
         * the largest small class: these clients model whole pages, and the sizes below a page that
         * small classes serve are the mixed-sizes stress test's.
         */
        long requestBytes() {
            int pages = 1 + random.nextInt(workload.maxPages);
            long lowest = pages == 1 ? SizeRouter.BELOW_A_PAGE + 1 : 1;
            return (pages - 1) * Pages.PAGE + lowest + random.nextLong(Pages.PAGE - lowest + 1);
        }

        int pick(int bound) {
            return random.nextInt(bound);
        }

        private int nextHigh() {
            return workload.highMin + random.nextInt(workload.highMax - workload.highMin + 1);
        }
    }
}
