package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidFreeException;
import io.github.hpa4j.core.Pages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A batch spanning shards is claimed whole before any shard frees anything: one bad entry (null, a
 * handle freed already, one of another allocator, one twice) refuses the batch, every handle in it
 * stays live, no shard and no cache changes, and the same handles free later. Real memory, three
 * shards, cache on and off.
 */
class AllOrNothingBatchTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final int SHARDS = 3;

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"on", "off"})
    void aMixedShardBatchWithOneBadEntryFreesNothing(String cache) throws Exception {
        Hpa4j hpa4j = It.startOnRealMemory(testKit, "hpa4j.shards = " + SHARDS, "hpa4j.cache.enabled = " + cache);
        Hpa4j other = It.startOnRealMemory(testKit, "hpa4j.shards = " + SHARDS, "hpa4j.cache.enabled = " + cache);
        PatternLedger ledger = new PatternLedger();
        List<PatternLedger.Tracked> good = new ArrayList<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            for (Allocation a : It.onShard(hpa4j, shard, () -> It.get(hpa4j.allocateBatch(3 * Pages.PAGE, 4)))) {
                good.add(ledger.claim(a));
            }
        }
        Allocation freed = hpa4j.allocateNow(Pages.PAGE);
        hpa4j.freeNow(freed);
        Allocation foreign = other.allocateNow(Pages.PAGE);
        List<Allocation> handles =
                good.stream().map(PatternLedger.Tracked::allocation).toList();
        It.get(hpa4j.trimCaches()); // nothing cached: no sweep can move the figures under the test
        Quiet before = Quiet.of(hpa4j);

        assertRefused(hpa4j, with(handles, null), FreeRefusal.NULL_EXTENT);
        assertRefused(hpa4j, with(handles, freed), FreeRefusal.NOT_ALLOCATED);
        assertRefused(hpa4j, with(handles, foreign), FreeRefusal.FOREIGN_ALLOCATION);
        assertRefused(hpa4j, with(handles, handles.get(SHARDS * 4 - 1)), FreeRefusal.DUPLICATE_IN_BATCH);
        assertEquals(before, Quiet.of(hpa4j), "no shard and no cache changed");
        for (PatternLedger.Tracked t : good) {
            assertEquals(Allocation.State.LIVE, t.allocation().state());
            ledger.verify(t);
        }

        for (PatternLedger.Tracked t : good) {
            ledger.release(t);
        }
        It.get(hpa4j.freeBatch(handles));
        It.get(hpa4j.trimCaches());
        assertEquals(0, It.get(hpa4j.stats()).total().liveExtents(), "the same handles free whole afterwards");
        other.freeNow(foreign);
        It.get(other.stop());
        It.get(hpa4j.stop());
    }

    /** Live extents and cached extents of every shard: what a refused batch must leave as it was. */
    private record Quiet(List<Long> liveExtents, long cached) {
        static Quiet of(Hpa4j hpa4j) {
            return new Quiet(
                    It.get(hpa4j.stats()).shards().stream()
                            .map(s -> s.stats().liveExtents())
                            .toList(),
                    hpa4j.cacheStats().cachedExtents());
        }
    }

    private static List<Allocation> with(List<Allocation> handles, Allocation bad) {
        List<Allocation> batch = new ArrayList<>(handles);
        batch.add(handles.size() / 2, bad);
        return Arrays.asList(batch.toArray(Allocation[]::new));
    }

    private static void assertRefused(Hpa4j hpa4j, List<Allocation> batch, FreeRefusal reason) {
        assertEquals(
                reason,
                It.failureOf(hpa4j.freeBatch(batch), InvalidFreeException.class).reason());
    }
}
