package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.bridge.CountedPageHooks;
import io.github.hpa4j.bridge.HugifyStyle;
import io.github.hpa4j.bridge.LinuxPageHooks;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.bridge.PlatformFacts;
import io.github.hpa4j.bridge.ThpSupport;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.it.forked.StartWithoutNativeAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * hpa4j starts on the Linux hooks or not at all: without {@code --enable-native-access} it refuses
 * with a message naming the flag (in a forked JVM started without it). With THP {@code never}
 * (simulated by injecting the platform facts, since this machine's setting is not the test's to
 * change) it still starts on the Linux hooks, hugifies nothing, and still gives freed memory back.
 */
class FailFastStartTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    @Test
    void withoutTheNativeAccessFlagHpa4jRefusesToStartSayingWhichFlag() throws Exception {
        ForkedJvm.Outcome outcome =
                ForkedJvm.await(ForkedJvm.start(List.of(), StartWithoutNativeAccess.class), Duration.ofMinutes(2));
        System.out.println(outcome.output());
        assertEquals(3, outcome.exitCode(), outcome.output());
        assertTrue(outcome.printed("--enable-native-access=ALL-UNNAMED"), outcome.output());
    }

    @Test
    void withThpNeverTheLinuxHooksStillPurgeAndHugifyNothing() {
        PlatformFacts here = ThpSupport.facts();
        PlatformFacts never = new PlatformFacts(
                here.osName(),
                here.osArch(),
                here.addressBits(),
                here.pageSize(),
                here.hugepageSize(),
                "never",
                here.thpDefrag(),
                here.nativeAccessEnabled());
        CountedPageHooks hooks = PageHooksFactory.create(HugifyStyle.COLLAPSE, never);
        assertEquals(
                HugifyStyle.NONE, assertInstanceOf(LinuxPageHooks.class, hooks).style());

        Hpa4jSettings settings = It.settings(It.FAST_DEFERRED_WORK, "hpa4j.shards = 1", "hpa4j.cache.enabled = off");
        Hpa4j hpa4j = It.start(testKit, settings, hooks);
        assertEquals("linux (hugify style none)", hpa4j.pageHooks());
        List<Allocation> live = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // 4 full slabs, written
            for (Allocation a : It.get(hpa4j.allocateBatch(64 * 1024, 16))) {
                a.segment().fill((byte) 1);
                live.add(a);
            }
        }
        AllocatorStats full = It.get(hpa4j.stats());
        assertTrue(full.smaps().rss() >= 8 * Pages.HUGEPAGE / 2, "written pages are resident: " + full.smaps());
        It.get(hpa4j.freeBatch(live));
        await("purged").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            AllocatorStats stats = It.get(hpa4j.stats());
            assertEquals(0, stats.smaps().rss(), "freed memory went back: " + stats.smaps());
            assertEquals(0, stats.smaps().anonHugePages());
            assertEquals("linux (hugify style none)", stats.pageHooks());
        });
        It.get(hpa4j.stop());
    }
}
