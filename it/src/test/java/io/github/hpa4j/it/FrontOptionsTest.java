package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocationOptions;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.InvalidAlignmentException;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.SizeKind;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Zeroed and aligned requests through the front cache, on real memory: a cached small region or
 * page extent that its last owner wrote comes back to a zeroed request without an ask, cleared
 * whole, and to a request aligned up to a page; a bad alignment still gets the shard's typed refusal.
 */
class FrontOptionsTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    @Test
    void shouldServeZeroedAndAlignedRequestsFromTheFrontAndClearAZeroedHit() {
        Hpa4j hpa4j = It.startOnRealMemory(testKit, "hpa4j.shards = 1");
        for (long bytes : new long[] {100, 3 * Pages.PAGE}) {
            Allocation dirty = hpa4j.allocateNow(bytes);
            dirty.segment().fill((byte) 0xA5);
            hpa4j.freeNow(dirty);
            long waits = hpa4j.cacheStats().waits();

            CompletableFuture<Allocation> zeroed =
                    hpa4j.allocate(bytes, AllocationOptions.ZEROED).toCompletableFuture();
            assertTrue(zeroed.isDone(), "a zeroed hit is answered before the call returns: no ask");
            Allocation reused = zeroed.join();
            assertEquals(dirty.address(), reused.address(), "the cached extent came back");
            assertEquals(bytes < Pages.PAGE ? SizeKind.SMALL : SizeKind.PAGES, reused.kind());
            assertEquals(
                    -1,
                    reused.segment().mismatch(MemorySegment.ofArray(new byte[(int) reused.size()])),
                    "cleared whole, " + bytes + " B");
            hpa4j.freeNow(reused);

            long alignment = bytes < Pages.PAGE ? 16 : Pages.PAGE; // the class of 100 B is 112 B, aligned to 16
            Allocation aligned = hpa4j.allocate(bytes, AllocationOptions.aligned(alignment))
                    .toCompletableFuture()
                    .getNow(null);
            assertEquals(reused.address(), aligned.address(), "an aligned request hits too");
            assertEquals(0, aligned.address() % alignment);
            assertEquals(waits, hpa4j.cacheStats().waits(), "no ask for either");
            hpa4j.freeNow(aligned);
        }
        InvalidAlignmentException bad =
                It.failureOf(hpa4j.allocate(100, AllocationOptions.aligned(48)), InvalidAlignmentException.class);
        assertEquals(48, bad.alignment(), "a bad alignment still reaches the shard's check");
        It.get(hpa4j.stop());
    }
}
