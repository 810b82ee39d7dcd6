package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The growth hugify policy: slabs filled from empty by allocations alone are hugified at once, slabs
 * that become dense through churn wait the delay, as under jemalloc's policy, which the same
 * sequences pin beside it. Manual clock, fake hooks, inline jobs.
 */
class ShardGrowthHugifyTest {
    /* 95 % of 512 pages, rounded up: the fewest active pages of a candidate. */
    private static final int THRESHOLD_PAGES = 487;
    private static final ShardOptions GROWTH = ShardOptions.DEFAULTS.withHugifyPolicy(HugifyPolicy.GROWTH);

    private final ManualClock clock = new ManualClock();
    private final RecordingHooks hooks = new RecordingHooks();
    private final Eden eden = new Eden(hooks);

    private Shard shard(ShardOptions options) {
        return new Shard(0, options, hooks, clock);
    }

    private List<Extent> allocPages(Shard shard, int count) {
        List<Extent> out = new ArrayList<>();
        shard.allocBatch(Pages.PAGE, count, eden, out);
        return out;
    }

    /* A slab made dense by churn: filled below the threshold, a page freed, then refilled past it. */
    private List<Extent> denseThroughChurn(Shard shard) {
        List<Extent> extents = allocPages(shard, THRESHOLD_PAGES - 10);
        shard.free(extents.remove(0));
        extents.addAll(allocPages(shard, 20));
        assertEquals(1, shard.nslabs());
        assertTrue(shard.slabs().get(0).hugifyAllowed(), "a candidate");
        return extents;
    }

    @Test
    void shouldHugifyASlabFilledByGrowthWithoutWaitingTheDelay() {
        Shard shard = shard(GROWTH);
        allocPages(shard, THRESHOLD_PAGES);
        PageSlab slab = shard.slabs().get(0);
        assertTrue(slab.hugifyAtOnce());
        assertEquals(0, shard.nanosUntilDeferredWork(), "due now, not in 10 s");
        shard.doDeferredWork();
        assertEquals(1, hooks.count("hugify"));
        assertTrue(slab.huge());
        assertFalse(slab.hugifyAllowed());
        assertNull(shard.inconsistency());
    }

    @Test
    void shouldNotHugifyAGrowingSlabBeforeItMeetsTheThreshold() {
        Shard shard = shard(GROWTH);
        allocPages(shard, THRESHOLD_PAGES - 1);
        shard.doDeferredWork();
        assertEquals(0, hooks.count("hugify"), "density first, as under jemalloc's policy");
        assertEquals(Shard.NO_DEFERRED_WORK, shard.nanosUntilDeferredWork());
    }

    @ParameterizedTest
    @EnumSource(HugifyPolicy.class)
    void shouldMakeASlabThatBecameDenseThroughChurnWaitTheDelay(HugifyPolicy policy) {
        Shard shard = shard(ShardOptions.DEFAULTS.withHugifyPolicy(policy));
        denseThroughChurn(shard);
        assertFalse(shard.slabs().get(0).hugifyAtOnce());
        assertEquals(10_000_000_000L, shard.nanosUntilDeferredWork());
        HugifyDelay.assertHugifiedAtTheDelayNotBefore(shard, clock, hooks);
    }

    @Test
    void shouldMakeEveryCandidateWaitTheDelayUnderJemallocsPolicy() {
        Shard shard = shard(ShardOptions.DEFAULTS.withHugifyPolicy(HugifyPolicy.JEMALLOC));
        allocPages(shard, Pages.HUGEPAGE_PAGES);
        assertFalse(shard.slabs().get(0).hugifyAtOnce());
        shard.doDeferredWork();
        assertEquals(0, hooks.count("hugify"), "filled by growth, but jemalloc's policy waits");
        clock.advanceMillis(10_000);
        shard.doDeferredWork();
        assertEquals(1, hooks.count("hugify"));
    }

    @Test
    void shouldTreatASlabRefilledFromEmptyAsGrowthAgain() {
        Shard shard = shard(GROWTH);
        List<Extent> extents = allocPages(shard, Pages.HUGEPAGE_PAGES);
        shard.doDeferredWork();
        assertEquals(1, hooks.count("hugify"));
        shard.freeBatch(extents);
        shard.doDeferredWork();
        PageSlab slab = shard.slabs().get(0);
        assertTrue(slab.empty());
        assertFalse(slab.huge(), "purged, and so dehugified");

        hooks.reset();
        allocPages(shard, Pages.HUGEPAGE_PAGES);
        assertSame(slab, shard.slabs().get(0), "the emptied slab is reused");
        shard.doDeferredWork();
        assertEquals(1, hooks.count("hugify"), "a new growth from empty is hugified at once");
    }

    @Test
    void shouldNotLetACandidateWaitingTheDelayHoldBackOneThatMayGoAtOnce() {
        Shard shard = shard(GROWTH);
        denseThroughChurn(shard);
        PageSlab churned = shard.slabs().get(0);
        clock.advanceMillis(1_000);
        // Fills the rest of the churned slab, then grows a second slab past the threshold.
        allocPages(shard, Pages.HUGEPAGE_PAGES - churned.nactive() + THRESHOLD_PAGES);
        assertEquals(2, shard.nslabs());
        PageSlab grown =
                shard.slabs().stream().filter(s -> s != churned).findFirst().orElseThrow();
        assertTrue(grown.hugifyAtOnce());

        shard.doDeferredWork();
        assertEquals(1, hooks.count("hugify"));
        assertTrue(grown.huge(), "the grown slab went first, though the churned one became a candidate first");
        assertFalse(churned.huge());
        assertEquals(9_000_000_000L, shard.nanosUntilDeferredWork(), "the churned slab still waits its delay");
        clock.advanceMillis(9_000);
        shard.doDeferredWork();
        assertEquals(2, hooks.count("hugify"));
        assertTrue(churned.huge());
        assertNull(shard.inconsistency());
    }

    @Test
    void shouldKeepAnAtOnceCandidateAtOnceThroughFreesBeforeItIsHugified() {
        Shard shard = shard(GROWTH.withDeferralAllowed(true));
        List<Extent> extents = allocPages(shard, THRESHOLD_PAGES);
        shard.free(extents.get(0));
        PageSlab slab = shard.slabs().get(0);
        assertFalse(slab.grownSinceEmpty());
        assertTrue(slab.hugifyAtOnce(), "the decision was made when the slab became a candidate");
        shard.doDeferredWork();
        assertEquals(1, hooks.count("hugify"));
    }

    @Test
    void shouldRetryAFailedAtOnceHugifyOnlyAfterTheDelay() {
        Shard shard = shard(GROWTH);
        allocPages(shard, Pages.HUGEPAGE_PAGES);
        hooks.failHugify = true;
        shard.doDeferredWork();
        PageSlab slab = shard.slabs().get(0);
        assertEquals(1, shard.counters().nhugifyAborts());
        assertFalse(slab.huge());
        assertTrue(slab.hugifyAllowed(), "still a candidate");
        assertFalse(slab.hugifyAtOnce(), "but no longer one that goes at once");
        assertEquals(10_000_000_000L, shard.nanosUntilDeferredWork(), "the delay is the retry delay");
        hooks.failHugify = false;
        shard.doDeferredWork();
        assertFalse(slab.huge(), "not retried before the delay");
        clock.advanceMillis(10_000);
        shard.doDeferredWork();
        assertTrue(slab.huge());
        assertNull(shard.inconsistency());
    }

    @Test
    void shouldLetTheDirtyBoundBlockAnAtOnceHugify() {
        // dirty_mult 0: backing the retained pages would exceed the bound, and nothing is dirty to purge.
        Shard shard = shard(GROWTH.withDirtyMult(0));
        allocPages(shard, THRESHOLD_PAGES);
        assertTrue(shard.slabs().get(0).hugifyAtOnce());
        assertTrue(shard.hugifyBlockedByNdirty());
        assertEquals(Shard.NO_DEFERRED_WORK, shard.nanosUntilDeferredWork());
        shard.doDeferredWork();
        assertEquals(0, hooks.count("hugify"));
    }

    @Test
    void shouldHugifyAGrowingSlabFromTheAllocThatMadeItDenseWhenDeferralIsNotAllowed() {
        Shard shard = shard(GROWTH.withDeferralAllowed(false));
        allocPages(shard, THRESHOLD_PAGES - 1);
        assertEquals(0, hooks.count("hugify"));
        allocPages(shard, 1);
        assertEquals(1, hooks.count("hugify"), "no background pass needed, no delay waited");
    }
}
