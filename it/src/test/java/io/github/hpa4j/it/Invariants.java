package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.ShardActor;
import io.github.hpa4j.core.FixedPoint;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.ShardStats;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The invariants every test checks once the allocator is quiet (DESIGN.md, "Invariants every layer
 * keeps"), on the public stats only.
 */
final class Invariants {
    private Invariants() {}

    /**
     * Forces deferred work and waits until every shard is quiet: no purge or hugify job in flight
     * (so no slab is mid_purge / mid_hugify), no pages pending purge, no job held back by a failure
     * back-off, nothing stashed or growing; dirty pages within dirty_mult × active per shard; and no
     * full slab left non-huge (a full slab is dense, and dense slabs end up hugified). Every poll
     * first trims the front caches, so that the active pages are the pages callers hold.
     * Returns the quiet snapshot.
     */
    static AllocatorStats awaitQuiescence(Hpa4j hpa4j, Duration atMost) {
        int dirtyMult = hpa4j.settings().shardOptions().dirtyMult();
        AtomicReference<AllocatorStats> quiet = new AtomicReference<>();
        await("quiescence").atMost(atMost).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            It.get(hpa4j.trimCaches());
            It.get(hpa4j.runDeferredWork());
            AllocatorStats stats = It.get(hpa4j.stats());
            for (ShardActor.ShardSnapshot shard : stats.shards()) {
                ShardStats s = shard.stats();
                String where = "shard " + s.shard() + " " + s.slabs() + " counters " + s.counters();
                assertEquals(0, s.jobsInFlight(), () -> "jobs in flight (slabs mid_purge/mid_hugify) in " + where);
                assertEquals(0, s.npendingPurge(), () -> "pages pending purge in " + where);
                assertEquals(0, shard.stashDepth(), () -> "stashed allocations in " + where);
                assertFalse(shard.growing(), () -> "still growing: " + where);
                if (dirtyMult != FixedPoint.UNLIMITED) {
                    long limit = FixedPoint.mulFrac(s.nactive(), dirtyMult);
                    assertTrue(
                            s.ndirty() <= limit,
                            () -> "dirty " + s.ndirty() + " > dirty_mult x active = " + limit + " in " + where);
                }
                assertEquals(0, s.slabs().full(false).npageslabs(), () -> "full slabs not hugified in " + where);
            }
            quiet.set(stats);
        });
        return quiet.get();
    }

    /** Stats add up: the shards' active pages and live extents are exactly the test's live allocations. */
    static void assertAccountsFor(AllocatorStats stats, Collection<PatternLedger.Tracked> live) {
        long pages = 0;
        long bytes = 0;
        for (PatternLedger.Tracked tracked : live) {
            pages += tracked.pages();
            bytes += tracked.allocation().size();
        }
        long[] perShard = new long[stats.shards().size()];
        for (PatternLedger.Tracked tracked : live) {
            perShard[tracked.allocation().shard()] += tracked.pages();
        }
        assertEquals(0, stats.cache().cachedExtents(), "the front caches were trimmed: " + stats.cache());
        assertEquals(pages, stats.total().nactive(), "active pages in the stats = pages of live allocations");
        assertEquals(live.size(), stats.total().liveExtents(), "live extents in the stats = live allocations");
        assertEquals(bytes, stats.total().liveBytes(), "live bytes in the stats = bytes of live allocations");
        assertEquals(pages * Pages.PAGE, stats.activeBytes(), "active bytes");
        for (ShardActor.ShardSnapshot shard : stats.shards()) {
            int index = shard.stats().shard();
            assertEquals(perShard[index], shard.stats().nactive(), "active pages of shard " + index);
        }
    }

    /** Quiescence, then the accounts, then every live pattern intact (no purge touched live pages). */
    static AllocatorStats assertAfterQuiescence(
            Hpa4j hpa4j, PatternLedger ledger, Collection<PatternLedger.Tracked> live, Duration atMost) {
        AllocatorStats stats = awaitQuiescence(hpa4j, atMost);
        assertAccountsFor(stats, live);
        assertEquals(ledger.claimedPages(), stats.total().nactive(), "pages the ledger holds = active pages");
        for (PatternLedger.Tracked tracked : live) {
            ledger.verify(tracked);
        }
        return stats;
    }
}
