package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shard's policy, after jemalloc's test/unit/hpa.c, driven by a manual clock and fake hooks. */
class ShardTest {
    private final ManualClock clock = new ManualClock();
    private final RecordingHooks hooks = new RecordingHooks();
    private final Eden eden = new Eden(hooks);
    private final List<DeferredJob> inFlight = new ArrayList<>();

    private Shard inlineShard(ShardOptions options) {
        return new Shard(0, options, hooks, clock);
    }

    private Shard asyncShard(ShardOptions options) {
        return new Shard(0, options, hooks, clock, inFlight::add);
    }

    private static void assertConsistent(Shard shard) {
        assertNull(shard.inconsistency());
    }

    private List<Extent> allocPages(Shard shard, int count) {
        List<Extent> out = new ArrayList<>();
        shard.allocBatch(Pages.PAGE, count, eden, out);
        return out;
    }

    @Test
    void shouldReuseContiguousPagesAfterBatchFree() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        List<Extent> first = allocPages(shard, 8);
        for (int i = 0; i < 8; i++) {
            assertEquals(first.get(0).address() + i * Pages.PAGE, first.get(i).address(), "first fit, in order");
        }
        shard.freeBatch(first);
        List<Extent> second = allocPages(shard, 8);
        assertEquals(first, second, "the freed range is reused, page for page");
        assertEquals(1, shard.nslabs());
        assertConsistent(shard);
    }

    @Test
    void shouldBeginNoJobWhileDeferredWorkIsPaused() {
        Shard shard = asyncShard(ShardOptions.DEFAULTS.withDeferralAllowed(false));
        List<Extent> pages = allocPages(shard, 100);
        shard.pauseDeferredWork(true);
        shard.freeBatch(pages.subList(0, 60));
        assertEquals(0, shard.maybeDoDeferredWork(true), "not even a forced pass");
        assertTrue(inFlight.isEmpty());
        assertEquals(0, shard.jobsInFlight());
        shard.pauseDeferredWork(false);
        assertEquals(1, shard.maybeDoDeferredWork(true), "the purge is begun once the pause ends");
        assertEquals(1, inFlight.size());
    }

    @Test
    void shouldServeABatchLargerThanOneSlabByGrowingAgain() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        List<Extent> out = new ArrayList<>();
        shard.allocBatch(64 * 1024, 64, eden, out);
        assertEquals(64, out.size());
        assertEquals(2, shard.nslabs(), "64 x 64 KiB is two hugepages");
        assertEquals(64 * 16, shard.nactive());
        assertConsistent(shard);
    }

    @Test
    void shouldRefuseSizesAboveSlabMaxAllocAndChangeNothing() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        allocPages(shard, 3);
        ShardStats before = shard.stats();
        InvalidSizeException e = assertThrows(InvalidSizeException.class, () -> shard.alloc(64 * 1024 + 1, eden));
        assertEquals(64 * 1024, e.max());
        assertThrows(InvalidSizeException.class, () -> shard.alloc(0, eden));
        assertThrows(InvalidSizeException.class, () -> shard.alloc(-Pages.PAGE, eden));
        assertEquals(before, shard.stats());
        assertEquals(1, hooks.count("map"), "a refused size never grows");
    }

    @Test
    void shouldServeExactlySlabMaxAlloc() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        assertEquals(64 * 1024, shard.alloc(64 * 1024, eden).size());
        assertEquals(Pages.PAGE, shard.alloc(1, eden).size(), "sizes round up to whole pages");
    }

    @Test
    void shouldRefuseAlignmentAbovePageAndZeroedRequests() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        assertThrows(UnsupportedRequestException.class, () -> shard.alloc(Pages.PAGE, 2 * Pages.PAGE, false, eden));
        assertThrows(UnsupportedRequestException.class, () -> shard.alloc(Pages.PAGE, Pages.PAGE, true, eden));
        assertEquals(0, shard.nslabs());
        assertEquals(
                Pages.PAGE, shard.alloc(Pages.PAGE, Pages.PAGE, false, eden).size());
    }

    @Test
    void shouldRefuseBadBatchCounts() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        assertThrows(InvalidCountException.class, () -> shard.allocBatch(Pages.PAGE, 0, eden, new ArrayList<>()));
        assertThrows(InvalidCountException.class, () -> shard.allocBatch(Pages.PAGE, -1, eden, new ArrayList<>()));
        assertThrows(
                InvalidCountException.class,
                () -> shard.allocBatch(Pages.PAGE, Shard.MAX_BATCH + 1, eden, new ArrayList<>()));
        assertThrows(InvalidCountException.class, () -> shard.freeBatch(List.of()));
        assertEquals(0, shard.nslabs());
    }

    /** jemalloc's test_defer_time, with a dip below the threshold that keeps eligibility. */
    @Test
    void shouldFollowTheDeferredWorkTimeline() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        List<Extent> extents = allocPages(shard, Pages.HUGEPAGE_PAGES);
        shard.doDeferredWork();
        assertEquals(0, hooks.count("hugify"), "hugified before the delay");

        HugifyDelay.assertHugifiedAtTheDelayNotBefore(shard, clock, hooks);
        assertTrue(shard.slabs().get(0).huge());

        // Free half: 256 dirty pages against 256 active is far above dirty_mult 25 %.
        shard.freeBatch(extents.subList(0, Pages.HUGEPAGE_PAGES / 2));
        shard.doDeferredWork();
        assertEquals(1, hooks.count("hugify"), "no second hugify yet");
        assertEquals(1, hooks.count("dehugify"), "a huge slab is dehugified before part of it is purged");
        assertEquals(Pages.HUGEPAGE / 2, hooks.bytes("purge"));
        assertFalse(shard.slabs().get(0).huge());
        assertEquals(0, shard.ndirty());

        // Refill: the slab meets the threshold again and becomes a candidate.
        hooks.reset();
        extents = new ArrayList<>(extents.subList(Pages.HUGEPAGE_PAGES / 2, Pages.HUGEPAGE_PAGES));
        extents.addAll(allocPages(shard, Pages.HUGEPAGE_PAGES / 2));
        // Dip below the threshold (486 pages): eligibility is sticky.
        shard.freeBatch(extents.subList(0, 40));
        assertTrue(shard.slabs().get(0).nactive() * Pages.PAGE < ShardOptions.DEFAULTS.hugificationThreshold());
        assertTrue(shard.slabs().get(0).hugifyAllowed(), "still a candidate after the dip");
        shard.doDeferredWork();
        assertEquals(0, hooks.count("hugify"), "hugified before the delay");
        assertEquals(0, hooks.count("purge"), "40 dirty pages are within dirty_mult");

        clock.advanceMillis(10_000);
        shard.doDeferredWork();
        assertEquals(1, hooks.count("hugify"), "hugified again after the delay");
        assertEquals(new ShardCounters(1, 1, 2, 1, 0, 0), shard.counters());
        assertConsistent(shard);
    }

    @Test
    void shouldHugifyADenseSlabAfterTheDelayEvenWhileItChurns() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        List<Extent> extents = allocPages(shard, Pages.HUGEPAGE_PAGES);
        for (int second = 0; second < 10; second++) {
            clock.advanceMillis(1_000);
            shard.free(extents.get(second));
            extents.set(second, shard.alloc(Pages.PAGE, eden)); // the slab stays above the threshold
            shard.doDeferredWork();
        }
        assertEquals(1, hooks.count("hugify"), "10 s after it first met the threshold, not after its last change");
    }

    @Test
    void shouldNotHugifyAnEmptySlab() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS.withDirtyMult(FixedPoint.UNLIMITED));
        List<Extent> extents = allocPages(shard, Pages.HUGEPAGE_PAGES);
        assertTrue(shard.slabs().get(0).hugifyAllowed());
        shard.freeBatch(extents);
        assertFalse(shard.slabs().get(0).hugifyAllowed(), "an empty slab is not a candidate");
        clock.advanceMillis(20_000);
        shard.doDeferredWork();
        assertEquals(0, hooks.count("hugify"));
    }

    @Test
    void shouldDoNothingAfterAllocOrFreeWhileDeferralIsAllowed() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS.withHugifyDelayMs(0));
        List<Extent> extents = allocPages(shard, Pages.HUGEPAGE_PAGES);
        shard.freeBatch(extents.subList(0, 300));
        assertEquals(0, hooks.count("hugify") + hooks.count("purge"), "the background pass does it");
        assertTrue(shard.hasDeferredWork());
        assertEquals(0, shard.nanosUntilDeferredWork(), "a shard that never purged purges at once");
    }

    @Test
    void shouldWorkAfterEachAllocAndFreeWhenDeferralIsNotAllowed() {
        Shard shard =
                inlineShard(ShardOptions.DEFAULTS.withDeferralAllowed(false).withHugifyDelayMs(0));
        List<Extent> extents = allocPages(shard, Pages.HUGEPAGE_PAGES);
        assertEquals(1, hooks.count("hugify"), "hugified by the alloc itself");
        shard.freeBatch(extents.subList(0, 300));
        assertEquals(1, hooks.count("purge"));
        assertEquals(0, shard.ndirty());
    }

    @Test
    void shouldBoundUnforcedWorkToSixteenOperations() {
        Shard shard = asyncShard(ShardOptions.DEFAULTS.withDeferralAllowed(false));
        // 20 slabs, each with a dirty page and one active page: 20 purge candidates.
        List<Extent> dirty = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<Extent> full = new ArrayList<>();
            shard.allocBatch(64 * 1024, 32, eden, full);
            dirty.addAll(full.subList(1, 32)); // full.get(0) stays allocated, the slab's active page
        }
        inFlight.clear();
        shard.freeBatch(dirty);
        assertEquals(Shard.MAX_OPS_NOT_FORCED, inFlight.size(), "an unforced pass stops after 16 jobs");
        assertEquals(16, shard.jobsInFlight());
        inFlight.forEach(shard::finish);
        inFlight.clear();
        shard.doDeferredWork();
        assertEquals(4, inFlight.size(), "a forced pass does the rest");
        inFlight.forEach(shard::finish);
        assertEquals(0, shard.ndirty());
        assertConsistent(shard);
    }

    @Test
    void shouldStopAPassAtTheLimitOfJobsInFlightAndGoOnWhenOneEnds() {
        Shard shard = new Shard(0, ShardOptions.DEFAULTS, hooks, clock, inFlight::add, 2);
        List<Extent> dirty = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            List<Extent> full = new ArrayList<>();
            shard.allocBatch(64 * 1024, 32, eden, full);
            dirty.addAll(full.subList(1, 32)); // each slab keeps one extent, so each is a purge candidate
        }
        shard.freeBatch(dirty);
        assertEquals(2, shard.maybeDoDeferredWork(true));
        assertTrue(shard.atJobLimit());
        assertEquals(0, shard.maybeDoDeferredWork(true), "nothing more begins at the limit");
        shard.finish(inFlight.remove(0));
        assertFalse(shard.atJobLimit());
        assertEquals(1, shard.maybeDoDeferredWork(true), "the pass goes on as a job ends");
        assertThrows(
                IllegalArgumentException.class,
                () -> new Shard(0, ShardOptions.DEFAULTS, hooks, clock, inFlight::add, 0));
    }

    @Test
    void shouldTurnDeferralOffByDoingTheWorkNow() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        List<Extent> extents = allocPages(shard, 100);
        shard.freeBatch(extents.subList(0, 90));
        assertEquals(90, shard.ndirty());
        shard.setDeferralAllowed(false);
        assertEquals(0, shard.ndirty());
        assertFalse(shard.options().deferralAllowed());
    }

    @Test
    void shouldPurgeEmptyHugeSlabsFirstThenEmptyThenDirtiestWithNonHugeBeforeHuge() {
        Shard shard = asyncShard(ShardOptions.DEFAULTS.withHugifyDelayMs(0));
        List<Extent> a = allocChunks(shard, 32);
        List<Extent> c = allocChunks(shard, 32);
        shard.doDeferredWork();
        assertEquals(2, inFlight.size(), "the two full slabs are hugified");
        inFlight.forEach(shard::finish);
        List<Extent> b = allocChunks(shard, 32);
        List<Extent> d = allocChunks(shard, 32);
        List<Extent> e = allocChunks(shard, 32);

        shard.freeBatch(a); // empty, huge
        shard.freeBatch(b); // empty, non-huge
        shard.freeBatch(c.subList(0, 4)); // 64 dirty pages, huge
        shard.freeBatch(d.subList(0, 4)); // 64 dirty pages, non-huge
        shard.freeBatch(e.subList(0, 8)); // 128 dirty pages, non-huge

        List<Long> order = new ArrayList<>();
        for (PurgeJob job = shard.beginPurge(); job != null; job = shard.beginPurge()) {
            order.add(job.slabAddress());
        }
        assertEquals(
                List.of(
                        a.get(0).slabAddress(),
                        b.get(0).slabAddress(),
                        e.get(0).slabAddress(),
                        d.get(0).slabAddress(),
                        c.get(0).slabAddress()),
                order);
    }

    private List<Extent> allocChunks(Shard shard, int count) {
        List<Extent> out = new ArrayList<>();
        shard.allocBatch(64 * 1024, count, eden, out);
        return out;
    }

    @Test
    void shouldServeNoAllocationFromASlabBeingPurgedButAcceptFreesIntoIt() {
        Shard shard = asyncShard(ShardOptions.DEFAULTS);
        List<Extent> extents = allocPages(shard, 100);
        long slab = extents.get(0).slabAddress();
        shard.freeBatch(extents.subList(0, 50));
        shard.doDeferredWork();
        assertEquals(1, inFlight.size());
        PurgeJob job = (PurgeJob) inFlight.get(0);
        assertEquals(50, job.pendingPages());
        assertEquals(50, shard.npendingPurge());
        assertTrue(shard.slabs().get(0).midPurge());

        Extent fresh = shard.alloc(Pages.PAGE, eden);
        assertNotEquals(slab, fresh.slabAddress(), "a slab in mid_purge serves no allocation");
        assertEquals(2, shard.nslabs());

        shard.free(extents.get(60)); // a free into the slab being purged
        shard.finish(job);
        assertEquals(1, shard.ndirty(), "the page freed during the purge is still dirty");
        assertEquals(0, shard.npendingPurge());
        assertFalse(shard.slabs().stream().anyMatch(PageSlab::changingState));
        assertEquals(new ShardCounters(1, 1, 0, 0, 0, 0), shard.counters());
        assertConsistent(shard);
    }

    @Test
    void shouldLoseNothingWhenAPurgeJobIsAborted() {
        Shard shard = asyncShard(ShardOptions.DEFAULTS);
        List<Extent> extents = allocPages(shard, 100);
        shard.freeBatch(extents.subList(0, 50));
        ShardStats before = shard.stats();
        shard.doDeferredWork();
        DeferredJob job = inFlight.remove(0);
        shard.abort(job);
        ShardStats after = shard.stats();
        assertEquals(before.slabs(), after.slabs(), "pages stay dirty and active as they were");
        assertEquals(0, after.npendingPurge());
        assertEquals(0, after.jobsInFlight());
        assertEquals(1, after.counters().npurgeAborts());
        assertThrows(IllegalStateException.class, () -> shard.finish(job), "a job ends once");

        shard.doDeferredWork();
        assertEquals(1, inFlight.size(), "the slab is picked again");
        shard.finish(inFlight.get(0));
        assertEquals(0, shard.ndirty());
        assertConsistent(shard);
    }

    @Test
    void shouldLeaveAFailedHugifyNonHugeAndRetryAfterTheDelay() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        allocPages(shard, Pages.HUGEPAGE_PAGES);
        clock.advanceMillis(10_000);
        hooks.failHugify = true;
        shard.doDeferredWork();
        assertFalse(shard.slabs().get(0).huge());
        assertEquals(1, shard.counters().nhugifyAborts());
        assertEquals(10_000_000_000L, shard.nanosUntilDeferredWork(), "retried after another delay");
        hooks.failHugify = false;
        clock.advanceMillis(10_000);
        shard.doDeferredWork();
        assertTrue(shard.slabs().get(0).huge());
    }

    @Test
    void shouldKeepAllocationsAndPagesWhenInlinePurgeFails() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        List<Extent> extents = allocPages(shard, 100);
        shard.freeBatch(extents.subList(0, 80));
        hooks.failPurge = true;
        shard.doDeferredWork();
        assertEquals(80, shard.ndirty());
        assertEquals(1, shard.counters().npurgeAborts());
        assertConsistent(shard);
    }

    @Test
    void shouldReportTimeUntilHugifyAndUntilTheNextPurgeInterval() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        assertEquals(Shard.NO_DEFERRED_WORK, shard.nanosUntilDeferredWork());
        List<Extent> extents = allocPages(shard, Pages.HUGEPAGE_PAGES);
        assertEquals(10_000_000_000L, shard.nanosUntilDeferredWork());
        clock.advanceMillis(4_000);
        assertEquals(6_000_000_000L, shard.nanosUntilDeferredWork());
        clock.advanceMillis(6_000);
        assertEquals(0, shard.nanosUntilDeferredWork(), "the hugify is due");
        shard.doDeferredWork();
        assertEquals(Shard.NO_DEFERRED_WORK, shard.nanosUntilDeferredWork());

        shard.freeBatch(extents.subList(0, 300));
        assertEquals(0, shard.nanosUntilDeferredWork(), "a shard that never purged purges at once");
        shard.doDeferredWork();
        shard.freeBatch(extents.subList(300, 400));
        assertEquals(5_000_000_000L, shard.nanosUntilDeferredWork(), "the next purge waits the interval");
        clock.advanceMillis(2_000);
        assertEquals(3_000_000_000L, shard.nanosUntilDeferredWork());
        clock.advanceMillis(3_000);
        assertEquals(0, shard.nanosUntilDeferredWork());
    }

    @Test
    void shouldNotReportWorkDueThatNoPassCouldBegin() {
        // dirty_mult 0: hugifying would back the 12 retained pages and exceed the limit, and there
        // is nothing dirty to purge, so the candidate can never be hugified.
        Shard shard = inlineShard(ShardOptions.DEFAULTS.withDirtyMult(0));
        allocPages(shard, 500);
        clock.advanceMillis(20_000);
        assertTrue(shard.hugifyBlockedByNdirty());
        assertEquals(0, shard.maybeDoDeferredWork(true), "a forced pass begins nothing");
        assertEquals(Shard.NO_DEFERRED_WORK, shard.nanosUntilDeferredWork(), "so no timer should fire for it");
    }

    /* One slab of 100 pages, 90 of them freed and their purge begun and held in flight. */
    private List<Extent> purgeNinetyOfAHundredPagesInFlight(Shard shard) {
        List<Extent> extents = allocPages(shard, 100);
        shard.freeBatch(extents.subList(0, 90));
        shard.doDeferredWork();
        assertEquals(1, inFlight.size(), "the purge is in flight");
        return extents;
    }

    @Test
    void shouldNotReportPurgeDueWhileEveryDirtySlabIsInFlight() {
        Shard shard = asyncShard(ShardOptions.DEFAULTS);
        List<Extent> extents = purgeNinetyOfAHundredPagesInFlight(shard);
        shard.freeBatch(extents.subList(90, 95)); // more dirt in the slab being purged: 5 dirty, 5 active
        assertTrue(shard.shouldPurge());
        assertEquals(Shard.NO_DEFERRED_WORK, shard.nanosUntilDeferredWork(), "wait for the job to end");
        shard.finish(inFlight.get(0));
        assertEquals(5_000_000_000L, shard.nanosUntilDeferredWork(), "then purge again after the interval");
    }

    @Test
    void shouldReturnEdenExhaustedAndChangeNothingWhenMapFails() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        hooks.failMap = true;
        assertThrows(EdenExhaustedException.class, () -> shard.alloc(Pages.PAGE, eden));
        assertEquals(0, shard.nslabs());
        assertEquals(0, shard.liveExtents());
        hooks.failMap = false;
        assertEquals(Pages.PAGE, shard.alloc(Pages.PAGE, eden).size(), "service resumes");
    }

    @Test
    void shouldGiveBackAPartialBatchWhenGrowingFails() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        Eden oneSlabEden = new Eden(hooks, 1);
        List<Extent> out = new ArrayList<>();
        shard.allocBatch(64 * 1024, 20, oneSlabEden, out);
        hooks.failMap = true;
        List<Extent> batch = new ArrayList<>();
        assertThrows(EdenExhaustedException.class, () -> shard.allocBatch(64 * 1024, 20, oneSlabEden, batch));
        assertTrue(batch.isEmpty(), "all or nothing");
        assertEquals(20, shard.liveExtents());
        assertEquals(20 * 16, shard.nactive());
        assertConsistent(shard);
    }

    @Test
    void shouldDestroyByUnmappingEverySlabAndReportingLiveExtents() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        List<Extent> out = new ArrayList<>();
        shard.allocBatch(64 * 1024, 40, eden, out);
        shard.freeBatch(out.subList(0, 10));
        Shard.Reclaimed reclaimed = shard.destroy();
        assertEquals(new Shard.Reclaimed(30, 30 * 64 * 1024, 2), reclaimed);
        assertEquals(2, hooks.count("unmap"));
        assertEquals(2 * Pages.HUGEPAGE, hooks.bytes("unmap"));
        assertThrows(ShardDisabledException.class, () -> shard.alloc(Pages.PAGE, eden));
        assertThrows(ShardDisabledException.class, () -> shard.free(out.get(20)));
        assertEquals(0, shard.nslabs(), "a destroyed shard holds no slab");
        assertTrue(shard.slabs().isEmpty());
        assertEquals(0, shard.stats().npageslabs());
    }

    @Test
    void shouldRefuseToDestroyWithJobsInFlight() {
        Shard shard = asyncShard(ShardOptions.DEFAULTS);
        List<Extent> extents = allocPages(shard, 100);
        shard.freeBatch(extents);
        shard.doDeferredWork();
        assertThrows(IllegalStateException.class, shard::destroy);
        shard.finish(inFlight.get(0));
        assertEquals(1, shard.destroy().slabs());
    }

    @Test
    void shouldRefuseAllocationButAcceptFreesOnceDisabled() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        Extent extent = shard.alloc(Pages.PAGE, eden);
        shard.disable();
        assertThrows(ShardDisabledException.class, () -> shard.alloc(Pages.PAGE, eden));
        shard.free(extent);
        assertEquals(0, shard.liveExtents());
    }

    @Test
    void shouldMakeASlabAHugifyCandidateAtExactlyTheThreshold() {
        // hpa_good_hugification_candidate compares with >=: 100 active pages meet a 100-page threshold.
        Shard shard = inlineShard(ShardOptions.DEFAULTS.withHugificationThreshold(100 * Pages.PAGE));
        allocPages(shard, 99);
        PageSlab slab = shard.slabs().get(0);
        assertFalse(slab.hugifyAllowed(), "99 pages are below the threshold");
        allocPages(shard, 1);
        assertTrue(slab.hugifyAllowed(), "100 pages meet it");
        assertEquals(clock.nanoTime(), slab.timeHugifyAllowed());
    }

    @Test
    void shouldNotCountPagesPendingPurgeAsDirty() {
        Shard shard = asyncShard(ShardOptions.DEFAULTS);
        List<Extent> first = purgeNinetyOfAHundredPagesInFlight(shard);
        assertEquals(90, shard.npendingPurge());
        assertEquals(0, shard.adjustedNdirty(), "the 90 pages are on their way back to the OS");

        // A second slab: 10 dirty pages against 100 active pages is within dirty_mult 25 %, once the
        // 90 pending pages are left out.
        List<Extent> second = allocPages(shard, 90);
        assertNotEquals(first.get(0).slabAddress(), second.get(0).slabAddress());
        shard.freeBatch(second.subList(0, 10));
        assertEquals(100, shard.ndirty());
        assertEquals(10, shard.adjustedNdirty());
        assertFalse(shard.shouldPurge());
        assertEquals(0, shard.maybeDoDeferredWork(true));
        assertEquals(1, inFlight.size(), "the second slab is not purged");
    }

    @Test
    void shouldNeverPurgeWithUnlimitedDirtyMult() {
        Shard shard = inlineShard(
                ShardOptions.DEFAULTS.withDirtyMult(FixedPoint.UNLIMITED).withDeferralAllowed(false));
        List<Extent> extents = allocPages(shard, 100);
        shard.freeBatch(extents.subList(0, 99));
        assertEquals(Long.MAX_VALUE, shard.ndirtyMax());
        assertEquals(0, shard.maybeDoDeferredWork(true));
        shard.free(extents.get(99));
        shard.doDeferredWork();
        assertEquals(0, hooks.count("purge"), "not even an empty slab is purged");
        assertEquals(100, shard.ndirty());
        assertFalse(shard.hasDeferredWork());
    }

    @Test
    void shouldBeginNoHugifyAtTheLimitOfJobsInFlight() {
        Shard shard = new Shard(0, ShardOptions.DEFAULTS.withHugifyDelayMs(0), hooks, clock, inFlight::add, 1);
        allocPages(shard, Pages.HUGEPAGE_PAGES);
        allocPages(shard, Pages.HUGEPAGE_PAGES);
        assertEquals(2, shard.nslabs());
        assertEquals(1, shard.maybeDoDeferredWork(true), "one of the two candidates, then the limit");
        assertEquals(1, inFlight.size());
        assertTrue(inFlight.get(0) instanceof HugifyJob);
        assertTrue(shard.atJobLimit());
        shard.finish(inFlight.remove(0));
        assertEquals(1, shard.maybeDoDeferredWork(true), "the other once the first ended");
        shard.finish(inFlight.remove(0));
        assertTrue(shard.slabs().stream().allMatch(PageSlab::huge));
    }

    @Test
    void shouldBoundUnforcedHugifyingToSixteenOperations() {
        Shard shard =
                asyncShard(ShardOptions.DEFAULTS.withDeferralAllowed(false).withHugifyDelayMs(0));
        shard.pauseDeferredWork(true);
        for (int i = 0; i < 20; i++) {
            allocPages(shard, Pages.HUGEPAGE_PAGES);
        }
        shard.pauseDeferredWork(false);
        assertEquals(Shard.MAX_OPS_NOT_FORCED, shard.maybeDoDeferredWork(false));
        assertEquals(Shard.MAX_OPS_NOT_FORCED, inFlight.size(), "an unforced pass stops after 16 hugifies");
        assertTrue(inFlight.stream().allMatch(job -> job instanceof HugifyJob));
        inFlight.forEach(shard::finish);
        inFlight.clear();
        assertEquals(4, shard.maybeDoDeferredWork(true), "a forced pass does the rest");
    }

    @Test
    void shouldStampAJoiningSlabAsTheYoungestWhateverAgeItCameWith() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        PageSlab first = new PageSlab(1L << 44, 1_000);
        PageSlab second = new PageSlab(1L << 45, 0);
        shard.addSlab(first);
        shard.addSlab(second);
        assertTrue(first.age() < second.age(), "ages from the shard's counter, in the order slabs join");
    }

    @Test
    void shouldStampASlabReusedFromEmptyAsTheYoungestAndKeepTheAgeOfASlabInUse() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        List<Extent> a = allocChunks(shard, 32); // slab A, full
        List<Extent> b = allocChunks(shard, 1); // slab B joins after A
        long slabA = a.get(0).slabAddress();
        long slabB = b.get(0).slabAddress();
        assertNotEquals(slabA, slabB);
        shard.freeBatch(a); // A empty
        b.addAll(allocChunks(shard, 31)); // B full, served while A waits empty
        assertTrue(b.stream().allMatch(e -> e.slabAddress() == slabB));
        Extent reused = shard.alloc(64 * 1024, eden); // no partly used slab fits: A again
        assertEquals(slabA, reused.slabAddress());
        shard.freeBatch(b.subList(1, 32)); // A and B now alike: 16 pages active at 0

        PageSlab slabOfA = slab(shard, slabA);
        PageSlab slabOfB = slab(shard, slabB);
        assertTrue(slabOfA.age() > slabOfB.age(), "a slab reused from empty is the youngest");
        assertEquals(slabB, shard.alloc(Pages.PAGE, eden).slabAddress(), "the older slab serves first");
        long ageOfB = slabOfB.age();
        assertEquals(slabB, shard.alloc(Pages.PAGE, eden).slabAddress(), "and stays the older");
        assertEquals(ageOfB, slabOfB.age(), "a slab in use keeps its age");
        assertConsistent(shard);
    }

    private static PageSlab slab(Shard shard, long address) {
        return shard.slabs().stream()
                .filter(ps -> ps.address() == address)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void shouldRefuseABatchOfTwoIdenticalExtents() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        Extent extent = shard.alloc(Pages.PAGE, eden);
        InvalidFreeException e =
                assertThrows(InvalidFreeException.class, () -> shard.freeBatch(List.of(extent, extent)));
        assertEquals(FreeRefusal.DUPLICATE_IN_BATCH, e.reason());
        assertEquals(extent.address(), e.address());
        assertEquals(1, shard.liveExtents(), "nothing was freed");
        assertConsistent(shard);
    }

    @Test
    void shouldRefuseToEndAJobOfAnotherShard() {
        Shard shard = asyncShard(ShardOptions.DEFAULTS);
        List<DeferredJob> otherJobs = new ArrayList<>();
        Shard other = new Shard(1, ShardOptions.DEFAULTS, hooks, clock, otherJobs::add);
        List<Extent> extents = new ArrayList<>();
        other.allocBatch(Pages.PAGE, 100, eden, extents);
        other.freeBatch(extents.subList(0, 90));
        other.doDeferredWork();
        DeferredJob job = otherJobs.get(0);
        allocPages(shard, 10);
        assertThrows(IllegalArgumentException.class, () -> shard.finish(job));
        assertThrows(IllegalArgumentException.class, () -> shard.abort(job));
        assertEquals(0, shard.jobsInFlight());
        other.finish(job);
        assertEquals(0, other.jobsInFlight(), "the job still ends in its own shard");
        assertEquals(0, other.ndirty());
    }

    @Test
    void shouldRefuseToEndAJobForAnotherSlabAtTheSameAddress() {
        // Two shards with the same index, each with its own fake OS: their slabs share an address.
        Shard shard = asyncShard(ShardOptions.DEFAULTS);
        List<DeferredJob> twinJobs = new ArrayList<>();
        RecordingHooks twinHooks = new RecordingHooks();
        Shard twin = new Shard(0, ShardOptions.DEFAULTS, twinHooks, clock, twinJobs::add);
        List<Extent> extents = new ArrayList<>();
        twin.allocBatch(Pages.PAGE, 100, new Eden(twinHooks), extents);
        twin.freeBatch(extents.subList(0, 90));
        twin.doDeferredWork();
        DeferredJob job = twinJobs.get(0);
        assertThrows(IllegalArgumentException.class, () -> shard.finish(job), "no slab there yet");
        allocPages(shard, 10);
        assertEquals(job.slabAddress(), shard.slabs().get(0).address());
        assertThrows(IllegalArgumentException.class, () -> shard.finish(job), "a slab there, but another");
        assertEquals(0, shard.jobsInFlight());
        twin.finish(job);
        assertEquals(0, twin.ndirty());
    }

    @Test
    void shouldHugifyAFullSlabEvenWithDirtyMultZero() {
        // Hugifying a full slab backs no retained page, so it adds nothing to the dirty count.
        Shard shard = inlineShard(ShardOptions.DEFAULTS.withDirtyMult(0).withHugifyDelayMs(0));
        allocPages(shard, Pages.HUGEPAGE_PAGES);
        assertFalse(shard.hugifyBlockedByNdirty());
        shard.doDeferredWork();
        assertTrue(shard.slabs().get(0).huge());
    }

    @Test
    void shouldReportDeferredWorkForAHugifyCandidateAlone() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        assertFalse(shard.hasDeferredWork(), "an empty shard has none");
        List<Extent> extents = allocPages(shard, Pages.HUGEPAGE_PAGES);
        assertFalse(shard.shouldPurge());
        assertTrue(shard.hasDeferredWork(), "a hugify candidate, waiting its delay");
        shard.freeBatch(extents.subList(0, 100));
        shard.freeBatch(extents.subList(100, Pages.HUGEPAGE_PAGES));
        assertTrue(shard.hasDeferredWork(), "an empty dirty slab to purge");
        shard.doDeferredWork();
        assertFalse(shard.hasDeferredWork());
    }

    @Test
    void shouldCountTheJobThatFailedAmongThePassOperations() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS.withHugifyDelayMs(0));
        List<Extent> extents = allocPages(shard, Pages.HUGEPAGE_PAGES);
        hooks.failHugify = true;
        assertEquals(1, shard.maybeDoDeferredWork(true), "the failed hugify, then the pass stops");
        hooks.failHugify = false;
        shard.doDeferredWork();
        shard.freeBatch(extents.subList(0, 300));
        hooks.failPurge = true;
        assertEquals(1, shard.maybeDoDeferredWork(true), "the failed purge, then the pass stops");
        assertEquals(new ShardCounters(0, 0, 1, 0, 1, 1), shard.counters());
    }

    @Test
    void shouldRefuseEveryCallOnceDestroyed() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        Extent extent = shard.alloc(Pages.PAGE, eden);
        assertFalse(shard.disabled());
        assertFalse(shard.destroyed());
        assertEquals(new Shard.Reclaimed(1, Pages.PAGE, 1), shard.destroy());
        assertTrue(shard.disabled());
        assertTrue(shard.destroyed());
        assertThrows(ShardDisabledException.class, () -> shard.freeBatch(List.of(extent)));
        assertThrows(ShardDisabledException.class, shard::beginPurge);
        assertThrows(ShardDisabledException.class, shard::beginHugify);
        assertThrows(ShardDisabledException.class, () -> shard.addSlab(new PageSlab(1L << 44, 0)));
        assertEquals(new Shard.Reclaimed(0, 0, 0), shard.destroy(), "a second destroy reclaims nothing");
        assertEquals(1, hooks.count("unmap"));
    }

    @Test
    void shouldTakeABatchOfExactlyTheLargestCount() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        List<Extent> out = new ArrayList<>();
        shard.allocBatch(Pages.PAGE, Shard.MAX_BATCH, eden, out);
        assertEquals(Shard.MAX_BATCH, out.size());
        shard.freeBatch(out);
        assertEquals(0, shard.liveExtents());
        assertEquals(Shard.MAX_BATCH, shard.ndirty());
    }

    @Test
    void shouldNameTheShardAndItsPagesInItsDescription() {
        Shard shard = new Shard(3, ShardOptions.DEFAULTS, hooks, clock);
        List<Extent> extents = new ArrayList<>();
        shard.allocBatch(Pages.PAGE, 7, eden, extents);
        shard.free(extents.get(0));
        assertEquals("Shard[3, 1 slabs, 6 active, 1 dirty pages]", shard.toString());
    }

    @Test
    void shouldNameASlabWhoseFlagsDisagreeWithItsFiling() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        shard.alloc(Pages.PAGE, eden);
        assertNull(shard.inconsistency());
        PageSlab slab = shard.slabs().get(0);
        slab.allowHugify(clock.nanoTime()); // outside an update bracket: no set filed it
        String problem = shard.inconsistency();
        assertTrue(
                problem != null && problem.startsWith(slab.toString()) && problem.contains("inSetHugifyContainer"),
                String.valueOf(problem));
    }

    @Test
    void shouldNameSlabSetTotalsThatDifferFromTheSlabs() {
        Shard shard = inlineShard(ShardOptions.DEFAULTS);
        shard.alloc(Pages.PAGE, eden);
        PageSlab slab = shard.slabs().get(0);
        // A reservation the slab set never saw: the slab stays consistent, the totals do not.
        slab.updating(true);
        slab.reserveAlloc(1);
        slab.updating(false);
        assertNull(slab.inconsistency());
        String problem = shard.inconsistency();
        assertTrue(
                problem != null && problem.contains("1 active") && problem.contains("(1, 2, 0)"),
                String.valueOf(problem));
    }
}
