package io.github.hpa4j.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.hpa4j.core.CacheBins;
import io.github.hpa4j.core.Pages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tier's stock requests, seen from the shard's side: what it asks for and when it does not. */
final class TransferTierTest {
    private static final long PER_CLASS = 4L << 20;

    private final CacheBins bins = new CacheBins(2048, 64 * 1024);
    private final RecordingShard shard = new RecordingShard();

    @Test
    void shouldAskForTwiceTheWantedFillWhenAClassRunsDry() {
        TransferTier tier = new TransferTier(0, bins, PER_CLASS, PER_CLASS, 64, shard);
        int bin = bins.ofUsable(4 * Pages.PAGE);

        missThenAsk(tier, bin, 8);

        assertEquals(List.of(new Restock(bin, 4 * Pages.PAGE, 16)), shard.restocks);
    }

    @Test
    void shouldCutARestockToWhatKeepsTheWholeTierWithinItsTotal() {
        TransferTier tier = new TransferTier(0, bins, PER_CLASS, 10 * Pages.PAGE, 64, shard);
        int fourPages = bins.ofUsable(4 * Pages.PAGE);
        int twoPages = bins.ofUsable(2 * Pages.PAGE);
        int onePage = bins.ofUsable(Pages.PAGE);

        missThenAsk(tier, fourPages, 8);
        missThenAsk(tier, twoPages, 8);
        missThenAsk(tier, onePage, 8);

        // 8 of the 10 pages asked for by the first class, the last 2 by the second: stock in flight
        // counts, so the third class asks for nothing.
        assertEquals(
                List.of(new Restock(fourPages, 4 * Pages.PAGE, 2), new Restock(twoPages, 2 * Pages.PAGE, 1)),
                shard.restocks);
    }

    @Test
    void shouldAskAgainOnceAFailedRestockNoLongerCounts() {
        TransferTier tier = new TransferTier(0, bins, PER_CLASS, 8 * Pages.PAGE, 64, shard);
        int fourPages = bins.ofUsable(4 * Pages.PAGE);
        int onePage = bins.ofUsable(Pages.PAGE);
        missThenAsk(tier, fourPages, 8);
        missThenAsk(tier, onePage, 8);
        assertEquals(1, shard.restocks.size());

        tier.stockFailed(fourPages);
        tier.restockAfterMiss(onePage);

        assertEquals(new Restock(onePage, Pages.PAGE, 8), shard.restocks.get(1));
    }

    private static void missThenAsk(TransferTier tier, int bin, int wanted) {
        assertEquals(0, tier.take(bin, new Allocation[wanted], 0, wanted, wanted));
        tier.restockAfterMiss(bin);
    }

    private record Restock(int bin, long bytes, int count) {}

    private static final class RecordingShard implements TransferTier.Shard {
        final List<Restock> restocks = new ArrayList<>();

        @Override
        public void restock(TransferTier tier, int bin, long bytes, int count) {
            restocks.add(new Restock(bin, bytes, count));
        }

        @Override
        public void release(List<Allocation> retired) {
            throw new AssertionError("nothing was stocked, so nothing goes back");
        }
    }
}
