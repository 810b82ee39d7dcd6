package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocatorFailureException;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.core.Pages;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Eden's map throws what no hook should (an IllegalStateException, as a bug would): every allocation
 * waiting for that slab is answered with a typed {@link AllocatorFailureException} naming the cause,
 * the shard does not stay growing, and allocation works again as soon as the map does. Real memory,
 * cache on and off.
 */
class EdenUnexpectedFailureTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"on", "off"})
    void aGrowthThatThrewIsAnsweredAndTheShardServesAgainAfterwards(String cache) {
        Hpa4jSettings settings = It.settings("hpa4j.shards = 1", "hpa4j.cache.enabled = " + cache);
        FaultyPageHooks hooks = new FaultyPageHooks(PageHooksFactory.create(settings.hugifyStyle()));
        Hpa4j hpa4j = It.start(testKit, settings, hooks);
        try (LogCapture eden = new LogCapture("io.github.hpa4j.actors.EdenActor")) {
            hooks.throwOnMaps(true);
            List<CompletableFuture<Allocation>> waiting = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                waiting.add(hpa4j.allocate(Pages.PAGE));
            }
            for (CompletableFuture<Allocation> stage : waiting) {
                AllocatorFailureException failure = It.failureOf(stage, AllocatorFailureException.class);
                assertInstanceOf(IllegalStateException.class, failure.getCause());
            }
            assertEquals(
                    1,
                    eden.events().stream()
                            .filter(e -> e.getFormattedMessage().startsWith("eden failed unexpectedly"))
                            .count(),
                    "logged once per streak: " + eden.events());
        }
        AllocatorStats stuck = It.get(hpa4j.stats());
        assertFalse(stuck.shards().get(0).growing(), "the shard is not left waiting for eden");
        assertEquals(0, stuck.stashDepth());

        hooks.throwOnMaps(false);
        Allocation a = hpa4j.allocateNow(Pages.PAGE);
        a.segment().fill((byte) 1);
        hpa4j.freeNow(a);
        It.get(hpa4j.trimCaches());
        assertEquals(0, It.get(hpa4j.stats()).total().liveExtents());
        It.get(hpa4j.stop());
    }
}
