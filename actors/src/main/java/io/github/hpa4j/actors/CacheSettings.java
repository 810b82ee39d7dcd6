package io.github.hpa4j.actors;

import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.Shard;
import java.time.Duration;

/**
 * The validated {@code hpa4j.cache} section: the front cache in front of the shards (see
 * {@link FrontCache}). Every bound is per thread cache.
 *
 * @param enabled      whether the facade goes through the cache at all
 * @param maxPerClass  extents one size class (a small class or a page count) of one thread cache holds at most
 * @param maxBytes     bytes one thread cache holds at most over all its size classes
 * @param remoteBatch  frees of another shard's extents gathered before one batch goes to that shard's tier
 * @param transferBytes bytes one size class of one shard's transfer tier holds at most
 * @param transferTotalBytes bytes one shard's transfer tier holds at most over all its classes,
 *                     counting the stock it has asked for and not yet received
 * @param sweepInterval how often each cache's GC runs and the sweeper decays the tiers and looks
 *                     for idle caches
 * @param idleTimeout  a cache whose thread made no call for this long is emptied
 */
public record CacheSettings(
        boolean enabled,
        int maxPerClass,
        long maxBytes,
        int remoteBatch,
        long transferBytes,
        long transferTotalBytes,
        Duration sweepInterval,
        Duration idleTimeout) {

    /** No cache: every facade call is one message to a shard. */
    public static final CacheSettings DISABLED = new CacheSettings(
            false, 1, Pages.PAGE, 1, Pages.PAGE, Pages.PAGE, Duration.ofSeconds(1), Duration.ofSeconds(1));

    /** Refuses a bound outside its range, naming its key. */
    public CacheSettings {
        requireBatchBound(maxPerClass, "max-per-class");
        requireAtLeastAPage(maxBytes, "max-bytes");
        requireBatchBound(remoteBatch, "remote-batch");
        requireAtLeastAPage(transferBytes, "transfer-bytes");
        requireAtLeastAPage(transferTotalBytes, "transfer-total-bytes");
        require(positive(sweepInterval), "sweep-interval", "must be positive");
        require(positive(idleTimeout), "idle-timeout", "must be positive");
    }

    /**
     * {@return these settings with {@code enabled} set to {@code value}}
     *
     * @param value whether the facade goes through the cache
     */
    public CacheSettings withEnabled(boolean value) {
        return new CacheSettings(
                value,
                maxPerClass,
                maxBytes,
                remoteBatch,
                transferBytes,
                transferTotalBytes,
                sweepInterval,
                idleTimeout);
    }

    /**
     * {@return these settings with {@code maxPerClass} set to {@code value}}
     *
     * @param value the new {@code maxPerClass}
     */
    public CacheSettings withMaxPerClass(int value) {
        return new CacheSettings(
                enabled, value, maxBytes, remoteBatch, transferBytes, transferTotalBytes, sweepInterval, idleTimeout);
    }

    /**
     * {@return these settings with the sweep interval and idle timeout given}
     *
     * @param sweep the new {@code sweepInterval}
     * @param idle  the new {@code idleTimeout}
     */
    public CacheSettings withTimes(Duration sweep, Duration idle) {
        return new CacheSettings(
                enabled, maxPerClass, maxBytes, remoteBatch, transferBytes, transferTotalBytes, sweep, idle);
    }

    /* A count of extents moved in one batch, which a shard takes at most MAX_BATCH of at a time. */
    private static void requireBatchBound(int value, String key) {
        require(value >= 1 && value <= Shard.MAX_BATCH, key, "must be in [1, " + Shard.MAX_BATCH + "], got " + value);
    }

    private static void requireAtLeastAPage(long bytes, String key) {
        require(bytes >= Pages.PAGE, key, "must be at least one page (" + Pages.PAGE + " bytes), got " + bytes);
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean condition, String key, String problem) {
        if (!condition) {
            throw new Hpa4jConfigException(Hpa4jSettings.ROOT + ".cache." + key, problem);
        }
    }
}
