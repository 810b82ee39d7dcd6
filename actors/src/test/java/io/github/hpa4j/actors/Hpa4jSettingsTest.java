package io.github.hpa4j.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.hpa4j.bridge.HugifyStyle;
import io.github.hpa4j.core.Eden;
import io.github.hpa4j.core.FixedPoint;
import io.github.hpa4j.core.HugifyPolicy;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.ShardOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** reference.conf holds jemalloc's defaults (but the hugify policy), and every bad value fails at start naming its key. */
class Hpa4jSettingsTest {

    private static Hpa4jSettings load(String hocon) {
        return Hpa4jSettings.fromConfig(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()));
    }

    @Test
    void shouldMapReferenceConfToJemallocsDefaults() {
        Hpa4jSettings settings = Hpa4jSettings.fromConfig(ConfigFactory.load());
        ShardOptions options = settings.shardOptions();
        assertEquals(64 * 1024, options.slabMaxAlloc(), "hpa_slab_max_alloc 64 KiB");
        assertEquals(Pages.HUGEPAGE * 95 / 100, options.hugificationThreshold(), "95 % of a hugepage");
        assertEquals(FixedPoint.ofPercent(25), options.dirtyMult(), "dirty_mult 25 %");
        assertEquals(10_000, options.hugifyDelayMs(), "hugify delay 10 s");
        assertEquals(5_000, options.minPurgeIntervalMs(), "min purge interval 5 s");
        assertTrue(options.deferralAllowed(), "deferral on");
        assertEquals(
                HugifyPolicy.GROWTH, options.hugifyPolicy(), "hpa4j's own default: jemalloc's delay for churn only");
        assertEquals(ShardOptions.DEFAULTS.withHugifyPolicy(HugifyPolicy.GROWTH), options);

        assertEquals(Runtime.getRuntime().availableProcessors(), settings.shards(), "shards = 0: one per processor");
        assertEquals(Eden.DEFAULT_EDEN_HUGEPAGES, settings.edenHugepages(), "HPA_EDEN_SIZE");
        assertEquals(HugifyStyle.COLLAPSE, settings.hugifyStyle());
        assertEquals(1L << 30, settings.stashBytes());
        assertEquals(Duration.ofSeconds(5), settings.askTimeout());
        assertEquals(Duration.ofSeconds(1), settings.jobRetryBackoff());
        assertEquals(Duration.ofSeconds(30), settings.jobRetryBackoffMax());
        assertEquals(2, settings.pageWorkers());
        CacheSettings cache = settings.cache();
        assertTrue(cache.enabled(), "the front cache is on by default");
        assertEquals(64, cache.maxPerClass());
        assertEquals(2 * 1024 * 1024, cache.maxBytes());
        assertEquals(32, cache.remoteBatch());
        assertEquals(Duration.ofMillis(100), cache.sweepInterval());
        assertEquals(4 * 1024 * 1024, cache.transferBytes());
        assertEquals(Duration.ofMillis(250), cache.idleTimeout());
        assertEquals(SafetySettings.DEFAULT, settings.safety(), "standard, one leak watched in 128, 16 MiB quarantine");
        assertEquals(Hpa4jSettings.PageHookKind.LINUX, settings.pageHooks(), "the portable hooks only when asked for");
        assertEquals(Long.MAX_VALUE, settings.maxMemory(), "no budget unless set");
    }

    @ParameterizedTest(name = "hpa4j.hugify-policy = {0}")
    @CsvSource(delimiter = '|', textBlock = """
            jemalloc  | JEMALLOC
            JEMALLOC  | JEMALLOC
            growth    | GROWTH
            " Growth" | GROWTH
            """)
    void shouldReadEitherHugifyPolicyWhateverItsCase(String value, HugifyPolicy expected) {
        ShardOptions options = load("hpa4j.hugify-policy = " + value).shardOptions();
        assertEquals(expected, options.hugifyPolicy());
        assertEquals(ShardOptions.DEFAULTS.withHugifyPolicy(expected), options, "nothing else changes");
    }

    @Test
    void shouldRefuseAnUnknownHugifyPolicyListingTheKnownOnes() {
        Hpa4jConfigException error =
                assertThrows(Hpa4jConfigException.class, () -> load("hpa4j.hugify-policy = eager"));
        assertEquals("hpa4j.hugify-policy", error.key());
        assertTrue(error.getMessage().contains("must be one of jemalloc, growth; got \"eager\""), error.getMessage());
    }

    @Test
    void shouldReadTheCacheSection() {
        CacheSettings cache = load("""
                hpa4j.cache {
                  enabled = off
                  max-per-class = 8
                  max-bytes = 64KiB
                  remote-batch = 4
                  transfer-bytes = 1MiB
                  transfer-total-bytes = 3MiB
                  sweep-interval = 10ms
                  idle-timeout = 20ms
                }
                """).cache();
        assertEquals(
                new CacheSettings(
                        false,
                        8,
                        64 * 1024,
                        4,
                        1024 * 1024,
                        3 * 1024 * 1024,
                        Duration.ofMillis(10),
                        Duration.ofMillis(20)),
                cache);
    }

    @Test
    void shouldReadTheOtherAcceptedFormsOfEachValue() {
        Hpa4jSettings settings = load("""
                hpa4j {
                  shards = 3
                  slab-max-alloc = 30000
                  hugification-threshold = 1MiB
                  dirty-mult = "0.5"
                  deferral-allowed = off
                  hugify-style = Advise
                }
                """);
        assertEquals(3, settings.shards());
        assertEquals(8 * Pages.PAGE, settings.shardOptions().slabMaxAlloc(), "rounded up to whole pages");
        assertEquals(1024 * 1024, settings.shardOptions().hugificationThreshold(), "a size is taken as bytes");
        assertEquals(FixedPoint.ofPercent(50), settings.shardOptions().dirtyMult());
        assertEquals(false, settings.shardOptions().deferralAllowed());
        assertEquals(HugifyStyle.ADVISE, settings.hugifyStyle());
        assertEquals(
                FixedPoint.UNLIMITED,
                load("hpa4j.dirty-mult = unlimited").shardOptions().dirtyMult());
        assertEquals(
                Pages.HUGEPAGE,
                load("hpa4j.hugification-threshold = \"100%\"").shardOptions().hugificationThreshold(),
                "100 % means when full");
    }

    @ParameterizedTest(name = "hpa4j.{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            dirty-mult             | lots
            dirty-mult             | "-10%"
            dirty-mult             | 150%
            shards                 | 1.5
            page-workers           | "2.0"
            eden-hugepages         | 99999999999
            hugify-style           | sometimes
            hugify-policy          | eager
            hugify-policy          | ""
            shards                 | -1
            shards                 | many
            slab-max-alloc         | 4MiB
            slab-max-alloc         | 0
            slab-max-alloc         | 16KiB
            hugification-threshold | 120%
            hugification-threshold | 0%
            hugification-threshold | "0.00001%"
            hugification-threshold | 3MiB
            hugification-threshold | "ninety%"
            deferral-allowed       | maybe
            hugify-delay           | -1s
            min-purge-interval     | soon
            eden-hugepages         | 0
            stash-bytes            | 0
            ask-timeout            | 0s
            job-retry-backoff      | -1s
            job-retry-backoff-max  | 500ms
            page-workers           | 0
            cache.enabled          | sometimes
            cache.max-per-class    | 0
            cache.max-per-class    | 65537
            cache.max-bytes        | 100
            cache.max-bytes        | lots
            cache.remote-batch     | 0
            cache.sweep-interval   | 0s
            cache.transfer-bytes   | 1KiB
            cache.transfer-total-bytes | 1KiB
            cache.idle-timeout     | 0ms
            safety.level           | careful
            page-hooks             | windows
            max-memory             | 1MiB
            max-memory             | lots
            safety.leak-sampling   | -1
            safety.quarantine-bytes | -1
            large.max-alloc        | 2TiB
            large.max-alloc        | 32KiB
            large.cache-hugepages  | -1
            large.release-interval | -1s
            """)
    void shouldRefuseABadValueWithAnErrorNamingItsKey(String key, String value) {
        Config config =
                ConfigFactory.parseString("hpa4j." + key + " = " + value).withFallback(ConfigFactory.load());
        Hpa4jConfigException error = assertThrows(Hpa4jConfigException.class, () -> Hpa4jSettings.fromConfig(config));
        assertEquals("hpa4j." + key, error.key());
        assertTrue(error.getMessage().startsWith("bad setting hpa4j." + key + ": "), error.getMessage());
    }

    @ParameterizedTest(name = "hpa4j.{0} is refused, suggesting hpa4j.{1}")
    @CsvSource(delimiter = '|', textBlock = """
            dirty-mul            | dirty-mult
            shard                | shards
            cache.max-per-clas   | cache.max-per-class
            safety.levels        | safety.level
            cache.transfer-byte  | cache.transfer-bytes
            """)
    void shouldRefuseAnUnknownKeyNamingTheNearestValidOne(String key, String nearest) {
        Config config = ConfigFactory.parseString("hpa4j." + key + " = 1").withFallback(ConfigFactory.load());
        Hpa4jConfigException error = assertThrows(Hpa4jConfigException.class, () -> Hpa4jSettings.fromConfig(config));
        assertEquals("hpa4j." + key, error.key());
        assertTrue(error.getMessage().endsWith("did you mean hpa4j." + nearest + "?"), error.getMessage());
    }

    @Test
    void shouldAcceptWholeNumbersGivenAsStringsAndAnyKeysOfTheDispatcherSection() {
        Config config = ConfigFactory.parseString("""
                hpa4j.shards = "3"
                hpa4j.page-worker-dispatcher.thread-pool-executor.keep-alive-time = 30s
                """).withFallback(ConfigFactory.load());
        assertEquals(3, Hpa4jSettings.fromConfig(config).shards(), "as -Dhpa4j.shards=3 gives it");
    }

    @Test
    void shouldRefuseADispatcherAkkaCannotStartWhenTheAllocatorStarts() {
        ActorTestKit kit = ActorTestKit.create(
                ConfigFactory.parseString("hpa4j.page-worker-dispatcher.executor = \"no.such.ExecutorConfigurator\"")
                        .withFallback(ConfigFactory.load()));
        try {
            Hpa4jConfigException error = assertThrows(
                    Hpa4jConfigException.class,
                    () -> TestAllocators.start(kit, TestAllocators.defaults(), new FakePageHooks(), new ManualClock()));
            assertEquals("hpa4j.page-worker-dispatcher", error.key());
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test
    void shouldRefuseASectionThatIsNotAnObjectNamingTheRoot() {
        Config config = ConfigFactory.parseString("hpa4j = 5");
        Hpa4jConfigException error = assertThrows(Hpa4jConfigException.class, () -> Hpa4jSettings.fromConfig(config));
        assertEquals("hpa4j", error.key());
    }

    @Test
    void shouldRefuseAMissingKeyNamingIt() {
        Config config = ConfigFactory.parseString("hpa4j.shards = 1");
        Hpa4jConfigException error = assertThrows(Hpa4jConfigException.class, () -> Hpa4jSettings.fromConfig(config));
        assertEquals("hpa4j.slab-max-alloc", error.key(), "the first key read after shards");
    }

    @Test
    void shouldRefuseBadValuesGivenInCodeNamingTheirKeys() {
        Hpa4jSettings settings = TestAllocators.defaults();
        assertEquals(
                "hpa4j.shards",
                assertThrows(Hpa4jConfigException.class, () -> settings.withShards(0))
                        .key());
        assertEquals(
                "hpa4j.stash-bytes",
                assertThrows(Hpa4jConfigException.class, () -> settings.withStashBytes(0))
                        .key());
        assertEquals(
                "hpa4j.ask-timeout",
                assertThrows(Hpa4jConfigException.class, () -> settings.withAskTimeout(Duration.ofMillis(-1)))
                        .key());
        assertEquals(
                "hpa4j.eden-hugepages",
                assertThrows(Hpa4jConfigException.class, () -> settings.withEdenHugepages(0))
                        .key());
    }
}
