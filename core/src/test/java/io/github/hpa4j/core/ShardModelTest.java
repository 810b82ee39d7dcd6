package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The randomized model test of a shard, after jemalloc's test/unit/hpa.c {@code test_stress}: at
 * least {@value #STEPS} random alloc / batch alloc / free / batch free / deferred work / clock /
 * deferral / job steps per seed, against a shadow {@code TreeMap} of live extents.
 *
 * <p>Checked after every step (cheap): the new extents are page-aligned, of the page-rounded size,
 * inside one slab of this shard, active there, not in a slab being purged, and overlap no live
 * extent; the shard's live extent count and active pages equal the model's; jobs in flight and
 * pending purge pages equal what the test holds. Checked every {@value #FULL_CHECK_EVERY} steps
 * (each walks every slab and extent, too slow for every step at this step count):
 * {@link Shard#inconsistency()}, every model extent still a valid free, a slab is mid purge or
 * hugify exactly when a job on it is in flight, and allocation is closed exactly while mid purge.
 * Checked at every OS call: a purge covers no active page and no model extent, and lands in a slab
 * mid purge; a hugify in a slab mid hugify. After each forced inline pass without injected
 * failures: the dirty limit holds and nothing purgeable is left while the shard should purge. At
 * the end: everything freed, work run to quiescence, no slab mid purge or hugify, ndirty within
 * dirty_mult of nactive, and destroy() reclaims no live extent. With -Dhpa4j.checks=true (the
 * test build) every slab mutation also re-checks the slab and the set's stats.
 *
 * <p>Every assertion message starts with the seed, step and options; rerun one seed by editing
 * the {@code @CsvSource}.
 */
class ShardModelTest {
    static final int STEPS = 100_000;
    static final int FULL_CHECK_EVERY = 10;

    /*
     * Option profiles, so that every run exercises something different whatever its seed draws:
     * 0 is hpa4j's defaults with a short hugify delay; 1 serves whole hugepages with a loose dirty
     * limit and no delay; 2 purges every dirty page (dirty_mult 0) and hugifies only full slabs;
     * 3 never purges (dirty_mult unlimited), so slabs stay dirty and only hugify; 4 is the defaults
     * under the growth hugify policy, so at-once and delayed candidates mix.
     */
    private static final ShardOptions[] PROFILES = {
        ShardOptions.DEFAULTS.withHugifyDelayMs(10).withMinPurgeIntervalMs(0),
        new ShardOptions(Pages.HUGEPAGE, Pages.HUGEPAGE / 2, FixedPoint.ONE, true, 0, 0),
        new ShardOptions(256 * 1024, Pages.HUGEPAGE, FixedPoint.ofPercent(0), true, 10_000, 5_000),
        new ShardOptions(128 * 1024, Pages.HUGEPAGE * 95 / 100, FixedPoint.UNLIMITED, true, 0, 0),
        ShardOptions.DEFAULTS.withHugifyDelayMs(50).withMinPurgeIntervalMs(0).withHugifyPolicy(HugifyPolicy.GROWTH),
    };

    /* Fixed seeds, so failures reproduce; each with an option profile. */
    @ParameterizedTest(name = "seed {0}, profile {1}")
    @CsvSource({"1, 0", "0x5EED, 1", "20260101, 2", "77, 3", "0x6207, 4"})
    void shouldKeepTheModelAndEveryInvariantWithInlineJobs(String seed, int profile) {
        new Run(Long.decode(seed), profile, false).run();
    }

    @ParameterizedTest(name = "seed {0}, profile {1}")
    @CsvSource({"2, 0", "0xA5A5, 1", "987654321, 2", "0x6208, 4"})
    void shouldKeepTheModelAndEveryInvariantWithAsyncJobs(String seed, int profile) {
        new Run(Long.decode(seed), profile, true).run();
    }

    /** One randomized run: the shard, its fake OS and clock, and the model. */
    private static final class Run {
        private final long seed;
        private final boolean async;
        private final Random random;
        private final ManualClock clock = new ManualClock();
        private final RecordingHooks recording = new RecordingHooks();
        private final CheckingHooks hooks = new CheckingHooks();
        private final Eden eden;
        private final Map<Long, PageSlab> slabs = new HashMap<>();
        private final SlabSource grow;
        private final List<DeferredJob> queued = new ArrayList<>();
        private final ShardOptions initialOptions;
        private final Shard shard;

        /* The model: live extents by address, and the same in a list for random picks. */
        private final TreeMap<Long, Extent> live = new TreeMap<>();
        private final List<Extent> liveList = new ArrayList<>();
        private long livePages;

        private int step = -1;
        private int queuedBeforeCall;
        private int failureStepsLeft;
        private long targetPages;
        private final Map<Op, Integer> opCounts = new EnumMap<>(Op.class);

        Run(long seed, int profile, boolean async) {
            this.seed = seed;
            this.async = async;
            this.random = new Random(seed);
            // The seed picks whether deferral starts allowed and how much eden maps at once (small
            // edens map often, so injected map failures bite).
            initialOptions = PROFILES[profile].withDeferralAllowed(random.nextBoolean());
            int[] edenSizes = {1, 1, 4, 128};
            eden = new Eden(hooks, edenSizes[random.nextInt(edenSizes.length)]);
            grow = () -> {
                PageSlab slab = eden.extract();
                assertNull(slabs.put(slab.address(), slab), () -> where() + ": eden handed out a slab twice");
                return slab;
            };
            shard = async
                    ? new Shard(7, initialOptions, hooks, clock, queued::add)
                    : new Shard(7, initialOptions, hooks, clock);
        }

        private String where() {
            return "seed " + seed + (async ? " (async)" : " (inline)") + " step " + step + " " + initialOptions;
        }

        enum Op {
            ALLOC,
            ALLOC_BATCH,
            FREE,
            FREE_BATCH,
            DEFERRED_WORK,
            ADVANCE_CLOCK,
            TOGGLE_DEFERRAL,
            END_JOB,
            INJECT_FAILURE,
            DOUBLE_FREE
        }

        void run() {
            for (step = 0; step < STEPS; step++) {
                // Alternate long phases of growth and shrinkage, so slabs fill, empty and get reused.
                targetPages = (step / 10_000) % 2 == 0 ? 24L * Pages.HUGEPAGE_PAGES : 2L * Pages.HUGEPAGE_PAGES;
                Op op = pickOp();
                opCounts.merge(op, 1, Integer::sum);
                doStep(op);
                if (failureStepsLeft > 0 && --failureStepsLeft == 0) {
                    recording.failPurge = false;
                    recording.failHugify = false;
                }
                checkCheap();
                if (step % FULL_CHECK_EVERY == 0) {
                    checkFull();
                }
            }
            step = STEPS;
            finish();
        }

        private Op pickOp() {
            boolean growing = livePages < targetPages;
            int r = random.nextInt(100);
            if (r < 40) {
                boolean alloc = random.nextInt(100) < (growing ? 70 : 30);
                boolean batch = random.nextInt(3) == 0;
                if (alloc || live.isEmpty()) {
                    return batch ? Op.ALLOC_BATCH : Op.ALLOC;
                }
                return batch ? Op.FREE_BATCH : Op.FREE;
            } else if (r < 50) {
                return Op.DEFERRED_WORK;
            } else if (r < 60) {
                return Op.ADVANCE_CLOCK;
            } else if (r < 62) {
                return Op.TOGGLE_DEFERRAL;
            } else if (r < 85 && async) {
                return Op.END_JOB;
            } else if (r >= 62 && r < 85) {
                boolean alloc = random.nextInt(100) < (growing ? 70 : 30);
                return alloc || live.isEmpty() ? Op.ALLOC : Op.FREE;
            } else if (r < 87) {
                return Op.INJECT_FAILURE;
            } else if (r < 89 && !live.isEmpty()) {
                return Op.DOUBLE_FREE;
            }
            return live.isEmpty() || growing ? Op.ALLOC : Op.FREE;
        }

        private long randomBytes() {
            long max = shard.options().slabMaxAlloc();
            // Half small requests (the common case), half anywhere up to slab_max_alloc, byte-granular.
            long bound = random.nextBoolean() ? Math.min(max, 4 * Pages.PAGE) : max;
            return 1 + (long) (random.nextDouble() * bound) % bound;
        }

        private void doStep(Op op) {
            switch (op) {
                case ALLOC -> allocBatch(randomBytes(), 1);
                case ALLOC_BATCH -> allocBatch(randomBytes(), 1 + random.nextInt(64));
                case FREE -> free(List.of(removeRandomLive()));
                case FREE_BATCH -> {
                    int n = 1 + random.nextInt(Math.min(64, live.size()));
                    List<Extent> batch = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        batch.add(removeRandomLive());
                    }
                    free(batch);
                }
                case DEFERRED_WORK -> deferredWork();
                case ADVANCE_CLOCK ->
                    clock.advanceMillis(random.nextInt(10) == 0 ? random.nextInt(20_000) : random.nextInt(1_000));
                case TOGGLE_DEFERRAL -> {
                    boolean allowed = !shard.options().deferralAllowed();
                    shard.setDeferralAllowed(allowed);
                    assertEquals(allowed, shard.options().deferralAllowed(), this::where);
                }
                case END_JOB -> {
                    /*
                     * The page worker ends a few random jobs per step, out of order. One per step
                     * would fall behind: with deferral off every alloc and free may begin 16.
                     */
                    int n = Math.min(queued.size(), 1 + random.nextInt(8));
                    for (int i = 0; i < n; i++) {
                        DeferredJob job = queued.remove(random.nextInt(queued.size()));
                        endJob(job, random.nextInt(5) == 0);
                    }
                }
                case INJECT_FAILURE -> {
                    // For the next few steps, purges or hugifies fail in the OS (inline: the shard
                    // aborts them itself; async: the test aborts the jobs whose run threw).
                    if (random.nextBoolean()) {
                        recording.failPurge = true;
                    } else {
                        recording.failHugify = true;
                    }
                    failureStepsLeft = 1 + random.nextInt(20);
                }
                case DOUBLE_FREE -> {
                    Extent extent = removeRandomLive();
                    free(List.of(extent));
                    ShardStats before = shard.stats();
                    InvalidFreeException e = assertThrows(
                            InvalidFreeException.class,
                            () -> shard.free(extent),
                            () -> where() + ": a double free is refused");
                    assertEquals(FreeRefusal.NOT_ALLOCATED, e.reason(), this::where);
                    assertEquals(before, shard.stats(), () -> where() + ": a refused free changes nothing");
                }
            }
        }

        private Extent removeRandomLive() {
            int i = random.nextInt(liveList.size());
            Extent extent = liveList.get(i);
            Extent last = liveList.remove(liveList.size() - 1);
            if (i < liveList.size()) {
                liveList.set(i, last);
            }
            assertEquals(extent, live.remove(extent.address()), this::where);
            livePages -= extent.pages();
            return extent;
        }

        /*
         * The model drops extents before the shard frees them and adds them after the shard
         * allocated them, so at every OS call the model holds only extents that are truly live.
         */
        private void free(List<Extent> batch) {
            if (batch.size() == 1 && random.nextBoolean()) {
                shard.free(batch.get(0));
            } else {
                shard.freeBatch(batch);
            }
        }

        private void allocBatch(long bytes, int count) {
            long liveBefore = shard.liveExtents();
            long activeBefore = shard.nactive();
            // Sometimes the OS refuses to map: a batch that needs to grow then fails whole.
            boolean failMap = random.nextInt(10) == 0;
            recording.failMap = failMap;
            List<Extent> out = new ArrayList<>();
            queuedBeforeCall = queued.size();
            try {
                if (count == 1 && random.nextBoolean()) {
                    out.add(shard.alloc(bytes, grow));
                } else {
                    shard.allocBatch(bytes, count, grow, out);
                }
            } catch (EdenExhaustedException e) {
                assertTrue(failMap, () -> where() + ": eden exhausted without an injected failure");
                assertTrue(out.isEmpty(), () -> where() + ": all or nothing");
                assertEquals(liveBefore, shard.liveExtents(), this::where);
                assertEquals(activeBefore, shard.nactive(), this::where);
                return;
            } finally {
                recording.failMap = false;
            }
            assertEquals(count, out.size(), this::where);
            long size = Pages.pageCeiling(bytes);
            for (Extent extent : out) {
                checkNewExtent(extent, size);
                live.put(extent.address(), extent);
                liveList.add(extent);
                livePages += extent.pages();
            }
        }

        private void checkNewExtent(Extent extent, long size) {
            Supplier<String> where = () -> where() + " " + extent;
            assertEquals(size, extent.size(), () -> where.get() + ": the page-rounded size");
            assertEquals(shard.index(), extent.shard(), where);
            assertTrue(Pages.isPageAligned(extent.address()), () -> where.get() + ": page aligned");
            assertEquals(
                    extent.slabAddress(),
                    Pages.hugepageBase(extent.end() - 1),
                    () -> where.get() + ": inside one slab");
            PageSlab slab = slabs.get(extent.slabAddress());
            assertNotNull(slab, () -> where.get() + ": in a slab this shard grew");
            if (slab.midPurge()) {
                /*
                 * Allocation from a slab being purged is forbidden; but with deferral off, the
                 * call's own trailing deferred work may have begun a purge of this slab after
                 * allocating from it. Then that job was queued during this very call.
                 */
                boolean purgeBegunByThisCall = false;
                for (DeferredJob job : queued.subList(queuedBeforeCall, queued.size())) {
                    purgeBegunByThisCall |= job instanceof PurgeJob && job.slabAddress() == slab.address();
                }
                assertTrue(purgeBegunByThisCall, () -> where.get() + ": allocated from a slab being purged");
            }
            int first = (int) ((extent.address() - slab.address()) >>> Pages.LG_PAGE);
            for (int p = first; p < first + extent.pages(); p++) {
                if (!slab.isActive(p)) {
                    fail(where.get() + ": page " + p + " not active");
                }
            }
            Entry<Long, Extent> below = live.floorEntry(extent.address());
            assertTrue(
                    below == null || below.getValue().end() <= extent.address(),
                    () -> where.get() + ": overlaps " + (below == null ? null : below.getValue()));
            Entry<Long, Extent> above = live.ceilingEntry(extent.address());
            assertTrue(
                    above == null || above.getKey() >= extent.end(),
                    () -> where.get() + ": overlaps " + (above == null ? null : above.getValue()));
        }

        private void deferredWork() {
            boolean failing = recording.failPurge || recording.failHugify;
            shard.doDeferredWork();
            if (!failing && shard.shouldPurge()) {
                // A forced pass stops purging only when no slab is left to purge.
                for (PageSlab slab : shard.slabs()) {
                    assertFalse(
                            slab.purgeAllowed(),
                            () -> where() + ": a forced pass left purgeable " + slab + " while the shard should purge; "
                                    + describeSlabs());
                }
            }
            int dirtyMult = shard.options().dirtyMult();
            if (!async && !failing && dirtyMult != FixedPoint.UNLIMITED) {
                // A forced inline pass meets the dirty limit (hpa_shard_do_deferred_work).
                assertTrue(
                        shard.ndirty() <= FixedPoint.mulFrac(shard.nactive(), dirtyMult),
                        () -> where() + ": " + shard.ndirty() + " dirty pages for " + shard.nactive() + " active");
            }
        }

        /** Runs the job's OS calls as the page worker would, then finishes it, or aborts it. */
        private void endJob(DeferredJob job, boolean abort) {
            if (abort) {
                shard.abort(job);
                return;
            }
            try {
                job.run(hooks);
            } catch (PageOperationException e) {
                shard.abort(job);
                return;
            }
            shard.finish(job);
        }

        private void checkCheap() {
            Supplier<String> where = this::where;
            assertEquals(live.size(), shard.liveExtents(), () -> where.get() + ": live extents");
            assertEquals(livePages, shard.nactive(), () -> where.get() + ": active pages");
            assertEquals(queued.size(), shard.jobsInFlight(), () -> where.get() + ": jobs in flight");
            long pending = 0;
            for (DeferredJob job : queued) {
                if (job instanceof PurgeJob purge) {
                    pending += purge.pendingPages();
                }
            }
            assertEquals(pending, shard.npendingPurge(), () -> where.get() + ": pending purge pages");
        }

        private void checkFull() {
            String where = where();
            assertNull(shard.inconsistency(), where);
            assertEquals(slabs.size(), shard.nslabs(), where + ": every slab eden handed out joined");
            for (Extent extent : liveList) {
                shard.validateFree(extent);
            }
            Set<Long> inFlight = new HashSet<>();
            for (DeferredJob job : queued) {
                assertTrue(inFlight.add(job.slabAddress()), where + ": two jobs on one slab");
            }
            for (PageSlab slab : shard.slabs()) {
                assertEquals(
                        inFlight.contains(slab.address()),
                        slab.changingState(),
                        where + ": " + slab + " mid purge/hugify iff a job is in flight");
                // Only a purge stops allocation from a slab; a slab left closed would never be reused.
                assertEquals(!slab.midPurge(), slab.allocAllowed(), where + ": " + slab + " allocAllowed");
            }
        }

        private void finish() {
            recording.failPurge = false;
            recording.failHugify = false;
            int dirtyMult = shard.options().dirtyMult();

            // First with extents still live: after the work is done the dirty limit holds.
            quiesce();
            checkQuiet(dirtyMult);

            // Then free everything; every dirty page goes back unless purging is off.
            List<Extent> all = new ArrayList<>(liveList);
            live.clear();
            liveList.clear();
            livePages = 0;
            for (int i = 0; i < all.size(); i += Shard.MAX_BATCH) {
                shard.freeBatch(all.subList(i, Math.min(all.size(), i + Shard.MAX_BATCH)));
            }
            quiesce();
            checkQuiet(dirtyMult);
            checkFull();
            assertEquals(0, shard.nactive(), this::where);
            if (dirtyMult != FixedPoint.UNLIMITED) {
                assertEquals(0, shard.ndirty(), () -> where() + ": nothing active, so nothing may stay dirty");
            }

            long nslabs = shard.nslabs();
            int unmapsBefore = (int) recording.count("unmap");
            assertEquals(new Shard.Reclaimed(0, 0, nslabs), shard.destroy(), this::where);
            assertEquals(unmapsBefore + nslabs, recording.count("unmap"), this::where);
            Set<Long> unmapped = new HashSet<>();
            for (RecordingHooks.Call call : recording.calls) {
                if (call.op().equals("unmap")) {
                    assertEquals(Pages.HUGEPAGE, call.size(), this::where);
                    assertTrue(slabs.containsKey(call.address()), this::where);
                    assertTrue(unmapped.add(call.address()), () -> where() + ": a slab unmapped twice");
                }
            }
            eden.destroy();
            assertTrue(opCounts.containsKey(Op.FREE_BATCH) && opCounts.containsKey(Op.ALLOC_BATCH), this::where);
            if (dirtyMult != FixedPoint.UNLIMITED) {
                assertTrue(recording.count("purge") > 0, () -> where() + ": the run never purged; it tests too little");
            }
        }

        /** A histogram of slab states, for failure messages. */
        private String describeSlabs() {
            Map<String, Integer> histogram = new TreeMap<>();
            for (PageSlab slab : shard.slabs()) {
                String key = (slab.empty() ? "empty" : slab.full() ? "full" : "nonfull")
                        + (slab.huge() ? " huge" : "")
                        + (slab.ndirty() > 0 ? " dirty" : "")
                        + (slab.allocAllowed() ? " alloc" : "")
                        + (slab.purgeAllowed() ? " purge" : "")
                        + (slab.hugifyAllowed() ? " hugify" : "")
                        + (slab.changingState() ? " mid" : "");
                histogram.merge(key, 1, Integer::sum);
            }
            return histogram + " shouldPurge=" + shard.shouldPurge() + " adjusted=" + shard.adjustedNdirty() + " max="
                    + shard.ndirtyMax() + " blocked=" + shard.hugifyBlockedByNdirty();
        }

        /** Runs forced deferred work and ends every job, until a pass begins nothing. */
        private void quiesce() {
            for (int round = 0; ; round++) {
                assertTrue(round < 10_000, () -> where() + ": deferred work never settles");
                int begun = shard.maybeDoDeferredWork(true);
                int ended = queued.size();
                while (!queued.isEmpty()) {
                    endJob(queued.remove(0), false);
                }
                // Ending a job can make work again (a finished hugify dirties retained pages).
                if (begun == 0 && ended == 0) {
                    return;
                }
            }
        }

        private void checkQuiet(int dirtyMult) {
            String where = where();
            assertEquals(0, shard.jobsInFlight(), where);
            assertEquals(0, shard.npendingPurge(), where);
            for (PageSlab slab : shard.slabs()) {
                assertFalse(slab.midPurge() || slab.midHugify(), where + ": " + slab + " left mid purge/hugify");
            }
            if (dirtyMult != FixedPoint.UNLIMITED) {
                assertTrue(
                        shard.ndirty() <= FixedPoint.mulFrac(shard.nactive(), dirtyMult),
                        where + ": " + shard.ndirty() + " dirty pages for " + shard.nactive() + " active; "
                                + describeSlabs());
            }
            checkCheap();
        }

        /**
         * The fake OS with checks: every call lands where the shard's state says it may. Delegates
         * to {@link RecordingHooks} for addresses, recording and injected failures.
         */
        private final class CheckingHooks extends ForwardingPageHooks {
            CheckingHooks() {
                super(recording);
            }

            @Override
            public void purge(long address, long size) {
                Supplier<String> where = () -> where() + " purge [0x" + Long.toHexString(address) + ", +" + size + ")";
                PageSlab slab = slabs.get(Pages.hugepageBase(address));
                assertNotNull(slab, where);
                assertEquals(
                        slab.address(),
                        Pages.hugepageBase(address + size - 1),
                        () -> where.get() + ": inside one slab");
                assertTrue(slab.midPurge() && !slab.allocAllowed(), () -> where.get() + ": " + slab + " not mid purge");
                int first = (int) ((address - slab.address()) >>> Pages.LG_PAGE);
                for (int p = first; p < first + (int) (size >>> Pages.LG_PAGE); p++) {
                    if (slab.isActive(p)) {
                        fail(where.get() + ": purges active page " + p);
                    }
                }
                Entry<Long, Extent> below = live.lowerEntry(address + size);
                assertTrue(
                        below == null || below.getValue().end() <= address,
                        () -> where.get() + ": purges live " + below.getValue());
                super.purge(address, size);
            }

            /* Hugify and dehugify act on one whole slab the model knows. */
            private PageSlab wholeSlab(long address, long size) {
                PageSlab slab = slabs.get(address);
                assertNotNull(slab, Run.this::where);
                assertEquals(Pages.HUGEPAGE, size, Run.this::where);
                return slab;
            }

            @Override
            public void hugify(long address, long size) {
                PageSlab slab = wholeSlab(address, size);
                assertTrue(slab.midHugify() && !slab.huge(), () -> where() + ": hugify of " + slab);
                super.hugify(address, size);
            }

            @Override
            public void dehugify(long address, long size) {
                PageSlab slab = wholeSlab(address, size);
                assertTrue(slab.midPurge() && slab.huge(), () -> where() + ": dehugify of " + slab);
                super.dehugify(address, size);
            }
        }
    }
}
