package io.github.hpa4j.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import io.github.hpa4j.bridge.HugifyStyle;
import io.github.hpa4j.core.FixedPoint;
import io.github.hpa4j.core.HugifyPolicy;
import io.github.hpa4j.core.LargeOptions;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.ShardOptions;
import io.github.hpa4j.core.SizeRouter;
import io.github.hpa4j.core.SmallSizeClasses;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The validated {@code hpa4j} configuration. Every problem is reported with its key, once, when the
 * allocator starts (as Aeron's {@code Context.conclude()} does), never later on a hot path.
 *
 * @param shards             shard actors ({@code hpa4j.shards})
 * @param shardOptions       each shard's settings
 * @param edenHugepages      hugepages eden maps at a time
 * @param hugifyStyle        how a slab is hugified
 * @param stashBytes         bytes of requests a shard holds while it waits for eden
 * @param askTimeout         the timeout of the facade's asks
 * @param jobRetryBackoff    how long a shard holds its jobs after one failed
 * @param jobRetryBackoffMax the longest such hold, doubling up to it
 * @param pageWorkers        page worker actors, and the most jobs one shard has in flight
 * @param cache              the front cache's settings
 * @param safety             the checks on handles and freed memory
 * @param pageHooks          which page hooks the extension starts on
 * @param maxMemory          the memory budget in bytes, {@link Long#MAX_VALUE} for none
 * @param large              the large allocator's settings
 */
public record Hpa4jSettings(
        int shards,
        ShardOptions shardOptions,
        int edenHugepages,
        HugifyStyle hugifyStyle,
        long stashBytes,
        Duration askTimeout,
        Duration jobRetryBackoff,
        Duration jobRetryBackoffMax,
        int pageWorkers,
        CacheSettings cache,
        SafetySettings safety,
        PageHookKind pageHooks,
        long maxMemory,
        LargeOptions large) {

    /** Which page hooks the extension starts on ({@code hpa4j.page-hooks}). */
    public enum PageHookKind {
        /** mmap, munmap and madvise: hugepages and memory given back. hpa4j refuses to start without them. */
        LINUX,
        /** Arena-backed, anywhere: no hugepages, and resident memory never shrinks. Only when asked for. */
        PORTABLE
    }

    /** The configuration section hpa4j reads. */
    public static final String ROOT = "hpa4j";
    /** The dispatcher page workers and eden run on. */
    public static final String DISPATCHER = ROOT + ".page-worker-dispatcher";

    /** Refuses a setting outside its range, naming its key. */
    public Hpa4jSettings {
        require(shards >= 1, "shards", "must be at least 1, got " + shards);
        require(edenHugepages >= 1, "eden-hugepages", "must be at least 1, got " + edenHugepages);
        require(stashBytes >= Pages.PAGE, "stash-bytes", "must be at least one page, got " + stashBytes);
        require(!askTimeout.isNegative() && !askTimeout.isZero(), "ask-timeout", "must be positive");
        require(!jobRetryBackoff.isNegative(), "job-retry-backoff", "must not be negative");
        require(
                jobRetryBackoffMax.compareTo(jobRetryBackoff) >= 0,
                "job-retry-backoff-max",
                "must be at least job-retry-backoff");
        require(pageWorkers >= 1, "page-workers", "must be at least 1, got " + pageWorkers);
        require(cache != null, "cache", "must be given");
        require(safety != null, "safety", "must be given");
        require(pageHooks != null, "page-hooks", "must be given");
        require(large != null, "large", "must be given");
        require(
                large.maxAllocBytes() >= shardOptions.slabMaxAlloc(),
                "large.max-alloc",
                "must be at least slab-max-alloc (" + shardOptions.slabMaxAlloc() + "), got " + large.maxAllocBytes());
        require(
                maxMemory >= Pages.HUGEPAGE,
                "max-memory",
                "must be at least one hugepage (" + Pages.HUGEPAGE + " bytes) or unlimited, got " + maxMemory);
    }

    /**
     * Reads and validates the {@code hpa4j} section of {@code config}.
     *
     * @param config a configuration with an {@code hpa4j} section, defaults from reference.conf
     * @return the settings
     */
    public static Hpa4jSettings fromConfig(Config config) {
        Config c;
        try {
            c = config.getConfig(ROOT);
        } catch (ConfigException e) {
            throw new Hpa4jConfigException(ROOT, e.getMessage(), e);
        }
        refuseUnknownKeys(c);
        int shards = intOf(c, "shards");
        if (shards == 0) {
            shards = Runtime.getRuntime().availableProcessors();
        }
        ShardOptions options;
        long slabMaxAlloc = bytesOf(c, "slab-max-alloc");
        long largestBinSlab = (long) SmallSizeClasses.MAX_SLAB_PAGES << Pages.LG_PAGE;
        require(
                slabMaxAlloc >= largestBinSlab && slabMaxAlloc <= Pages.HUGEPAGE,
                "slab-max-alloc",
                "must be in [" + largestBinSlab + ", " + Pages.HUGEPAGE + "] bytes (the small classes' slabs are"
                        + " page extents up to " + largestBinSlab + " bytes), got " + slabMaxAlloc);
        long threshold = hugificationThreshold(c);
        int dirtyMult = ratioOf(c, "dirty-mult");
        require(
                dirtyMult == FixedPoint.UNLIMITED || Integer.compareUnsigned(dirtyMult, FixedPoint.ONE) <= 0,
                "dirty-mult",
                "must be at most 100% (or unlimited), got " + stringOf(c, "dirty-mult"));
        // Read outside the try: a Hpa4jConfigException is an IllegalArgumentException and would
        // lose its key there.
        boolean deferralAllowed = booleanOf(c, "deferral-allowed");
        long hugifyDelayMs = millisOf(c, "hugify-delay");
        long minPurgeIntervalMs = millisOf(c, "min-purge-interval");
        HugifyPolicy hugifyPolicy = enumOf(c, "hugify-policy", HugifyPolicy.class);
        try {
            options = new ShardOptions(
                    Pages.pageCeiling(slabMaxAlloc),
                    threshold,
                    dirtyMult,
                    deferralAllowed,
                    hugifyDelayMs,
                    minPurgeIntervalMs,
                    hugifyPolicy);
        } catch (IllegalArgumentException e) {
            throw new Hpa4jConfigException(ROOT, e.getMessage(), e);
        }
        return new Hpa4jSettings(
                shards,
                options,
                intOf(c, "eden-hugepages"),
                enumOf(c, "hugify-style", HugifyStyle.class),
                bytesOf(c, "stash-bytes"),
                durationOf(c, "ask-timeout"),
                durationOf(c, "job-retry-backoff"),
                durationOf(c, "job-retry-backoff-max"),
                intOf(c, "page-workers"),
                cacheOf(c),
                safetyOf(c),
                enumOf(c, "page-hooks", PageHookKind.class),
                maxMemoryOf(c),
                largeOf(c));
    }

    private static LargeOptions largeOf(Config c) {
        long maxAlloc = bytesOf(c, "large.max-alloc");
        require(maxAlloc > 0 && maxAlloc <= 1L << 40, "large.max-alloc", "must be in (0, 1TiB], got " + maxAlloc);
        int cacheHugepages = intOf(c, "large.cache-hugepages");
        require(cacheHugepages >= 0, "large.cache-hugepages", "must not be negative, got " + cacheHugepages);
        long releaseMs = millisOf(c, "large.release-interval");
        return LargeOptions.DEFAULTS
                .withMaxAllocBytes(maxAlloc)
                .withCacheLimitHugepages(cacheHugepages)
                .withReleaseIntervalMs(releaseMs);
    }

    /**
     * The same settings with the large allocator's {@code value}.
     *
     * @param value the large allocator's settings
     * @return the settings
     */
    public Hpa4jSettings withLarge(LargeOptions value) {
        return edit(d -> d.large = value);
    }

    /**
     * Where each request goes: small classes below a page, whole pages up to slab-max-alloc, the
     * large allocator above, up to {@code large.max-alloc}.
     *
     * @return the router for these settings
     */
    public SizeRouter sizeRouter() {
        return new SizeRouter(shardOptions.slabMaxAlloc(), large.maxAllocBytes(), SizeRouter.BELOW_A_PAGE);
    }

    private static CacheSettings cacheOf(Config c) {
        boolean enabled = booleanOf(c, "cache.enabled");
        int maxPerClass = intOf(c, "cache.max-per-class");
        long maxBytes = bytesOf(c, "cache.max-bytes");
        int remoteBatch = intOf(c, "cache.remote-batch");
        long transferBytes = bytesOf(c, "cache.transfer-bytes");
        long transferTotalBytes = bytesOf(c, "cache.transfer-total-bytes");
        Duration sweep = durationOf(c, "cache.sweep-interval");
        Duration idle = durationOf(c, "cache.idle-timeout");
        return new CacheSettings(
                enabled, maxPerClass, maxBytes, remoteBatch, transferBytes, transferTotalBytes, sweep, idle);
    }

    /* Bytes, or "unlimited" (Long.MAX_VALUE). */
    private static long maxMemoryOf(Config c) {
        String key = "max-memory";
        if (stringOf(c, key).trim().equalsIgnoreCase("unlimited")) {
            return Long.MAX_VALUE;
        }
        return bytesOf(c, key);
    }

    /**
     * {@return these settings with {@code maxMemory} set to {@code value}}
     *
     * @param value the new {@code maxMemory}
     */
    public Hpa4jSettings withMaxMemory(long value) {
        return edit(d -> d.maxMemory = value);
    }

    private static SafetySettings safetyOf(Config c) {
        SafetySettings.Level level = enumOf(c, "safety.level", SafetySettings.Level.class);
        return new SafetySettings(level, intOf(c, "safety.leak-sampling"), bytesOf(c, "safety.quarantine-bytes"));
    }

    /**
     * {@return these settings with {@code safety} set to {@code value}}
     *
     * @param value the new {@code safety}
     */
    public Hpa4jSettings withSafety(SafetySettings value) {
        return edit(d -> d.safety = value);
    }

    /**
     * {@return these settings with {@code cache} set to {@code value}}
     *
     * @param value the new {@code cache}
     */
    public Hpa4jSettings withCache(CacheSettings value) {
        return edit(d -> d.cache = value);
    }

    /**
     * {@return these settings with {@code shards} set to {@code value}}
     *
     * @param value the new {@code shards}
     */
    public Hpa4jSettings withShards(int value) {
        return edit(d -> d.shards = value);
    }

    /**
     * {@return these settings with {@code shardOptions} set to {@code value}}
     *
     * @param value the new {@code shardOptions}
     */
    public Hpa4jSettings withShardOptions(ShardOptions value) {
        return edit(d -> d.shardOptions = value);
    }

    /**
     * {@return these settings with {@code stashBytes} set to {@code value}}
     *
     * @param value the new {@code stashBytes}
     */
    public Hpa4jSettings withStashBytes(long value) {
        return edit(d -> d.stashBytes = value);
    }

    /**
     * {@return these settings with {@code askTimeout} set to {@code value}}
     *
     * @param value the new {@code askTimeout}
     */
    public Hpa4jSettings withAskTimeout(Duration value) {
        return edit(d -> d.askTimeout = value);
    }

    /**
     * {@return these settings with {@code edenHugepages} set to {@code value}}
     *
     * @param value the new {@code edenHugepages}
     */
    public Hpa4jSettings withEdenHugepages(int value) {
        return edit(d -> d.edenHugepages = value);
    }

    private static long hugificationThreshold(Config c) {
        String key = "hugification-threshold";
        String text = stringOf(c, key).trim();
        if (text.endsWith("%")) {
            double percent;
            try {
                percent =
                        Double.parseDouble(text.substring(0, text.length() - 1).trim());
            } catch (NumberFormatException e) {
                throw new Hpa4jConfigException(ROOT + "." + key, "not a percentage: \"" + text + "\"", e);
            }
            require(percent > 0 && percent <= 100, key, "must be in (0%, 100%], got " + text);
            // Rounded down, as jemalloc's default HUGEPAGE * 95 / 100 is.
            long bytes = (long) Math.floor(Pages.HUGEPAGE * percent / 100.0);
            require(bytes > 0, key, "must be at least one byte of a hugepage, got " + text);
            return bytes;
        }
        long bytes = bytesOf(c, key);
        require(
                bytes > 0 && bytes <= Pages.HUGEPAGE,
                key,
                "must be in (0, " + Pages.HUGEPAGE + "] bytes, got " + bytes);
        return bytes;
    }

    private static int ratioOf(Config c, String key) {
        String text = stringOf(c, key);
        try {
            return FixedPoint.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw new Hpa4jConfigException(ROOT + "." + key, e.getMessage(), e);
        }
    }

    /* A constant of the enum type, named in any case; the error lists the choices in declaration order. */
    private static <E extends Enum<E>> E enumOf(Config c, String key, Class<E> type) {
        String text = stringOf(c, key);
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringJoiner choices = new StringJoiner(", ");
            for (E constant : type.getEnumConstants()) {
                choices.add(constant.name().toLowerCase(Locale.ROOT));
            }
            throw new Hpa4jConfigException(ROOT + "." + key, "must be one of " + choices + "; got \"" + text + "\"", e);
        }
    }

    private static void require(boolean condition, String key, String problem) {
        if (!condition) {
            throw new Hpa4jConfigException(ROOT + "." + key, problem);
        }
    }

    /* Typesafe Config's own errors name the path too, but with its origin noise; rewrap uniformly. */
    private static <T> T read(Config c, String key, BiFunction<Config, String, T> getter) {
        try {
            return getter.apply(c, key);
        } catch (ConfigException e) {
            throw new Hpa4jConfigException(ROOT + "." + key, e.getMessage(), e);
        }
    }

    /*
     * Keys under hpa4j must be reference.conf's: a misspelt key would otherwise be ignored in
     * silence. The dispatcher's section is Akka's to judge, whatever keys it holds.
     */
    private static void refuseUnknownKeys(Config c) {
        Config reference = ConfigFactory.defaultReference(Hpa4jSettings.class.getClassLoader())
                .getConfig(ROOT);
        Set<String> known = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> entry : reference.entrySet()) {
            known.add(entry.getKey());
        }
        String dispatcher = DISPATCHER.substring(ROOT.length() + 1) + ".";
        for (Map.Entry<String, ConfigValue> entry : c.entrySet()) {
            String key = entry.getKey();
            if (!known.contains(key) && !key.startsWith(dispatcher)) {
                throw new Hpa4jConfigException(
                        ROOT + "." + key, "no such setting; did you mean " + ROOT + "." + nearest(key, known) + "?");
            }
        }
    }

    private static String nearest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = editDistance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /* Levenshtein distance, two rows. */
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /* A count: a whole number, never a fraction quietly cut (Config.getInt reads 1.5 as 1). */
    private static int intOf(Config c, String key) {
        Object raw = read(c, key, Config::getAnyRef);
        String text = String.valueOf(raw).trim();
        if (raw instanceof Double || raw instanceof java.math.BigDecimal || !text.matches("-?\\d+")) {
            throw new Hpa4jConfigException(ROOT + "." + key, "must be a whole number, got " + text);
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new Hpa4jConfigException(ROOT + "." + key, "out of range for a count: " + text, e);
        }
    }

    private static long bytesOf(Config c, String key) {
        return read(c, key, Config::getBytes);
    }

    private static boolean booleanOf(Config c, String key) {
        return read(c, key, Config::getBoolean);
    }

    private static String stringOf(Config c, String key) {
        return read(c, key, Config::getString);
    }

    private static Duration durationOf(Config c, String key) {
        return read(c, key, Config::getDuration);
    }

    private static long millisOf(Config c, String key) {
        Duration d = durationOf(c, key);
        require(!d.isNegative(), key, "must not be negative");
        return d.toMillis();
    }

    /* The one place a changed copy is built, so each wither names only the field it changes. */
    private Hpa4jSettings edit(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }

    /* The settings' fields, mutable for one wither's change; build() validates them again. */
    private static final class Draft {
        int shards;
        ShardOptions shardOptions;
        int edenHugepages;
        HugifyStyle hugifyStyle;
        long stashBytes;
        Duration askTimeout;
        Duration jobRetryBackoff;
        Duration jobRetryBackoffMax;
        int pageWorkers;
        CacheSettings cache;
        SafetySettings safety;
        PageHookKind pageHooks;
        long maxMemory;
        LargeOptions large;

        Draft(Hpa4jSettings s) {
            shards = s.shards;
            shardOptions = s.shardOptions;
            edenHugepages = s.edenHugepages;
            hugifyStyle = s.hugifyStyle;
            stashBytes = s.stashBytes;
            askTimeout = s.askTimeout;
            jobRetryBackoff = s.jobRetryBackoff;
            jobRetryBackoffMax = s.jobRetryBackoffMax;
            pageWorkers = s.pageWorkers;
            cache = s.cache;
            safety = s.safety;
            pageHooks = s.pageHooks;
            maxMemory = s.maxMemory;
            large = s.large;
        }

        Hpa4jSettings build() {
            return new Hpa4jSettings(
                    shards,
                    shardOptions,
                    edenHugepages,
                    hugifyStyle,
                    stashBytes,
                    askTimeout,
                    jobRetryBackoff,
                    jobRetryBackoffMax,
                    pageWorkers,
                    cache,
                    safety,
                    pageHooks,
                    maxMemory,
                    large);
        }
    }
}
