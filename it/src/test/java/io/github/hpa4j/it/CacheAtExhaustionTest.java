package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.core.EdenExhaustedException;
import io.github.hpa4j.core.Pages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * With the front cache on and eden unable to map more, {@code allocateNow} serves every page the
 * shard still has: a refill whose extras no longer fit asks again for exactly what the caller lacks,
 * and only a caller the shard truly cannot serve is refused, out of memory. Real memory.
 */
class CacheAtExhaustionTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    @Test
    void theCacheServesEveryPageTheShardHasBeforeRefusing() {
        // One hugepage of eden per map: the first slab is all there is once maps fail.
        Hpa4jSettings settings = It.settings("hpa4j.shards = 1", "hpa4j.eden-hugepages = 1");
        FaultyPageHooks hooks = new FaultyPageHooks(PageHooksFactory.create(settings.hugifyStyle()));
        Hpa4j hpa4j = It.start(testKit, settings, hooks);
        List<Allocation> held = new ArrayList<>();
        held.add(hpa4j.allocateNow(Pages.PAGE));
        hooks.failMaps(true);
        while (held.size() < Pages.HUGEPAGE_PAGES) {
            held.add(hpa4j.allocateNow(Pages.PAGE));
        }
        assertThrows(
                EdenExhaustedException.class,
                () -> hpa4j.allocateNow(Pages.PAGE),
                "refused only when the slab is full");
        assertEquals(
                Pages.HUGEPAGE_PAGES, It.get(hpa4j.stats()).total().nactive(), "every page is in the test's hands");
        for (Allocation a : held) {
            hpa4j.freeNow(a);
        }
        hooks.failMaps(false);
        It.get(hpa4j.trimCaches());
        assertEquals(0, It.get(hpa4j.stats()).total().liveExtents());
        It.get(hpa4j.stop());
    }
}
