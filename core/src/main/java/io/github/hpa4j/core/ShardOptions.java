package io.github.hpa4j.core;

import java.util.function.Consumer;

/**
 * A shard's settings: jemalloc's {@code hpa_shard_opts_t}, with its defaults.
 *
 * @param slabMaxAlloc          the largest allocation the shard serves, bytes (a page multiple, at
 *                              most a hugepage). Larger requests are refused.
 * @param hugificationThreshold a slab becomes a hugification candidate once this many bytes of it
 *                              are active (compared with {@code >=}, so a threshold of exactly a
 *                              hugepage means "when full").
 * @param dirtyMult             purge once dirty pages exceed this fraction (a {@link FixedPoint}) of
 *                              active pages; {@link FixedPoint#UNLIMITED} disables purging.
 * @param deferralAllowed       whether purging and hugifying wait for a background pass (the actors'
 *                              per-shard timer, jemalloc's background thread) instead of running
 *                              after each alloc and free.
 * @param hugifyDelayMs         how long a slab stays a candidate before it is hugified.
 * @param minPurgeIntervalMs    the least time between two purge passes of a background pass.
 * @param hugifyPolicy          which candidates wait out {@code hugifyDelayMs}; see {@link HugifyPolicy}.
 */
public record ShardOptions(
        long slabMaxAlloc,
        long hugificationThreshold,
        int dirtyMult,
        boolean deferralAllowed,
        long hugifyDelayMs,
        long minPurgeIntervalMs,
        HugifyPolicy hugifyPolicy) {

    /**
     * HPA_SHARD_OPTS_DEFAULT, except that deferral is allowed: hpa4j always has its timers. The
     * hugify policy is jemalloc's here; the actors' setting chooses its own default.
     */
    public static final ShardOptions DEFAULTS =
            new ShardOptions(64 * 1024, Pages.HUGEPAGE * 95 / 100, FixedPoint.ofPercent(25), true, 10_000, 5_000);

    /**
     * With jemalloc's hugify policy.
     *
     * @param slabMaxAlloc          the largest allocation served, bytes
     * @param hugificationThreshold active bytes that make a slab a hugification candidate
     * @param dirtyMult             the dirty fraction of active pages that starts purging
     * @param deferralAllowed       whether deferred work waits for a background pass
     * @param hugifyDelayMs         how long a candidate waits before it is hugified
     * @param minPurgeIntervalMs    the least time between two purge passes
     */
    public ShardOptions(
            long slabMaxAlloc,
            long hugificationThreshold,
            int dirtyMult,
            boolean deferralAllowed,
            long hugifyDelayMs,
            long minPurgeIntervalMs) {
        this(
                slabMaxAlloc,
                hugificationThreshold,
                dirtyMult,
                deferralAllowed,
                hugifyDelayMs,
                minPurgeIntervalMs,
                HugifyPolicy.JEMALLOC);
    }

    /** Refuses a setting outside its range, naming it. */
    public ShardOptions {
        if (slabMaxAlloc <= 0 || slabMaxAlloc > Pages.HUGEPAGE || !Pages.isPageAligned(slabMaxAlloc)) {
            throw new IllegalArgumentException(
                    "slab_max_alloc must be a page multiple in (0, " + Pages.HUGEPAGE + "], got " + slabMaxAlloc);
        }
        if (hugificationThreshold <= 0 || hugificationThreshold > Pages.HUGEPAGE) {
            throw new IllegalArgumentException("hugification_threshold must be in (0, " + Pages.HUGEPAGE
                    + "] bytes, got " + hugificationThreshold);
        }
        if (dirtyMult < 0 && dirtyMult != FixedPoint.UNLIMITED) {
            throw new IllegalArgumentException(
                    "dirty_mult must be a non-negative ratio or unlimited (-1), got " + FixedPoint.toString(dirtyMult));
        }
        if (hugifyDelayMs < 0) {
            throw new IllegalArgumentException("hugify_delay_ms must not be negative, got " + hugifyDelayMs);
        }
        if (minPurgeIntervalMs < 0) {
            throw new IllegalArgumentException("min_purge_interval_ms must not be negative, got " + minPurgeIntervalMs);
        }
        if (hugifyPolicy == null) {
            throw new IllegalArgumentException("hugify policy must not be null");
        }
    }

    /**
     * {@return these options with {@code slabMaxAlloc} set to {@code value}}
     *
     * @param value the new {@code slabMaxAlloc}
     */
    public ShardOptions withSlabMaxAlloc(long value) {
        return edit(d -> d.slabMaxAlloc = value);
    }

    /**
     * {@return these options with {@code hugificationThreshold} set to {@code value}}
     *
     * @param value the new {@code hugificationThreshold}
     */
    public ShardOptions withHugificationThreshold(long value) {
        return edit(d -> d.hugificationThreshold = value);
    }

    /**
     * {@return these options with {@code dirtyMult} set to {@code value}}
     *
     * @param value the new {@code dirtyMult}
     */
    public ShardOptions withDirtyMult(int value) {
        return edit(d -> d.dirtyMult = value);
    }

    /**
     * {@return these options with {@code deferralAllowed} set to {@code value}}
     *
     * @param value the new {@code deferralAllowed}
     */
    public ShardOptions withDeferralAllowed(boolean value) {
        return edit(d -> d.deferralAllowed = value);
    }

    /**
     * {@return these options with {@code hugifyDelayMs} set to {@code value}}
     *
     * @param value the new {@code hugifyDelayMs}
     */
    public ShardOptions withHugifyDelayMs(long value) {
        return edit(d -> d.hugifyDelayMs = value);
    }

    /**
     * {@return these options with {@code minPurgeIntervalMs} set to {@code value}}
     *
     * @param value the new {@code minPurgeIntervalMs}
     */
    public ShardOptions withMinPurgeIntervalMs(long value) {
        return edit(d -> d.minPurgeIntervalMs = value);
    }

    /**
     * {@return these options with {@code hugifyPolicy} set to {@code value}}
     *
     * @param value the new {@code hugifyPolicy}
     */
    public ShardOptions withHugifyPolicy(HugifyPolicy value) {
        return edit(d -> d.hugifyPolicy = value);
    }

    /* The one place a changed copy is built, so each wither names only the field it changes. */
    private ShardOptions edit(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }

    /* The options' fields, mutable for one wither's change; build() validates them again. */
    private static final class Draft {
        long slabMaxAlloc;
        long hugificationThreshold;
        int dirtyMult;
        boolean deferralAllowed;
        long hugifyDelayMs;
        long minPurgeIntervalMs;
        HugifyPolicy hugifyPolicy;

        Draft(ShardOptions o) {
            slabMaxAlloc = o.slabMaxAlloc;
            hugificationThreshold = o.hugificationThreshold;
            dirtyMult = o.dirtyMult;
            deferralAllowed = o.deferralAllowed;
            hugifyDelayMs = o.hugifyDelayMs;
            minPurgeIntervalMs = o.minPurgeIntervalMs;
            hugifyPolicy = o.hugifyPolicy;
        }

        ShardOptions build() {
            return new ShardOptions(
                    slabMaxAlloc,
                    hugificationThreshold,
                    dirtyMult,
                    deferralAllowed,
                    hugifyDelayMs,
                    minPurgeIntervalMs,
                    hugifyPolicy);
        }
    }
}
