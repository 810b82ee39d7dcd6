package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidFreeException;
import io.github.hpa4j.core.Pages;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Identity handles on real memory: after {@code free(a)} hands {@code a}'s extent to a new owner
 * {@code b}, every way of freeing {@code a} again (freeNow, free, freeBatch, close) is refused as
 * {@code NOT_ALLOCATED}, {@code b} stays live and its contents intact. 10,000 reuses, cache on and
 * off; then close() through try-with-resources.
 */
class StaleHandleTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final int REUSES = 10_000;

    private static Hpa4j start(String cache) {
        return It.startOnRealMemory(testKit, "hpa4j.shards = 1", "hpa4j.cache.enabled = " + cache);
    }

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"on", "off"})
    void aStaleHandleIsRefusedAfterItsAddressWasHandedOutAgain(String cache) {
        Hpa4j hpa4j = start(cache);
        long size = 2 * Pages.PAGE;
        int reused = 0;
        int attempts = 0;
        while (reused < REUSES) {
            assertTrue(++attempts <= 2 * REUSES, "the address came back only " + reused + " times");
            Allocation stale = hpa4j.allocateNow(size);
            hpa4j.freeNow(stale);
            Allocation owner = hpa4j.allocateNow(size);
            if (owner.address() != stale.address()) {
                hpa4j.freeNow(owner);
                continue;
            }
            reused++;
            assertNotSame(stale, owner);
            owner.segment().set(ValueLayout.JAVA_LONG, 0, attempts);
            FreeRefusal refusal = switch (reused % 4) {
                case 0 ->
                    assertThrows(InvalidFreeException.class, () -> hpa4j.freeNow(stale))
                            .reason();
                case 1 ->
                    It.failureOf(hpa4j.free(stale), InvalidFreeException.class).reason();
                case 2 ->
                    It.failureOf(hpa4j.freeBatch(List.of(stale)), InvalidFreeException.class)
                            .reason();
                default ->
                    assertThrows(InvalidFreeException.class, stale::close).reason();
            };
            assertEquals(FreeRefusal.NOT_ALLOCATED, refusal);
            assertEquals(Allocation.State.LIVE, owner.state(), "the new owner keeps its extent");
            assertEquals(attempts, owner.segment().get(ValueLayout.JAVA_LONG, 0), "and its contents");
            hpa4j.freeNow(owner);
        }
        It.get(hpa4j.trimCaches());
        assertEquals(0, It.get(hpa4j.stats()).total().liveExtents(), "every real free went through, no stale one");
        It.get(hpa4j.stop());
    }

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"on", "off"})
    void closeFreesOnceForTryWithResources(String cache) {
        Hpa4j hpa4j = start(cache);
        Allocation kept;
        try (Allocation a = hpa4j.allocateNow(Pages.PAGE)) {
            a.segment().fill((byte) 1);
            kept = a;
        }
        assertTrue(kept.state() != Allocation.State.LIVE, "closed means freed: " + kept);
        assertEquals(
                FreeRefusal.NOT_ALLOCATED,
                assertThrows(InvalidFreeException.class, kept::close).reason());
        It.get(hpa4j.trimCaches());
        assertEquals(0, It.get(hpa4j.stats()).total().liveExtents());
        It.get(hpa4j.stop());
    }
}
