package io.github.hpa4j.actors;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import com.typesafe.config.ConfigFactory;
import io.github.hpa4j.core.Clock;
import io.github.hpa4j.core.Pages;

/** Settings and kits the actors tests share. */
final class TestAllocators {
    /** 16 pages: 32 of them fill a slab. */
    static final long CHUNK = 64 * 1024;

    static final int CHUNKS_PER_SLAB = (int) (Pages.HUGEPAGE / CHUNK);

    private TestAllocators() {}

    /** reference.conf's settings (jemalloc's defaults), one shard. */
    static Hpa4jSettings defaults() {
        return Hpa4jSettings.fromConfig(ConfigFactory.load()).withShards(1);
    }

    /** reference.conf overridden by {@code hocon} (keys under {@code hpa4j}), one shard unless set. */
    static Hpa4jSettings parse(String hocon) {
        return Hpa4jSettings.fromConfig(
                ConfigFactory.parseString("hpa4j.shards = 1\n" + hocon).withFallback(ConfigFactory.load()));
    }

    /**
     * {@code settings} with the front cache off: for tests that count the messages of the facade's
     * asks one by one (a front would add its tier's stock to them).
     */
    static Hpa4jSettings uncached(Hpa4jSettings settings) {
        return settings.withCache(settings.cache().withEnabled(false));
    }

    /** A kit whose scheduler only moves when the test says so. */
    static ActorTestKit manualTimeKit() {
        return ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
    }

    static Hpa4j start(ActorTestKit kit, Hpa4jSettings settings, FakePageHooks hooks, Clock clock) {
        return Hpa4j.start(kit.system(), settings, hooks, clock);
    }
}
