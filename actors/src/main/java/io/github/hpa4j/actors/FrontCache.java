package io.github.hpa4j.actors;

import io.github.hpa4j.core.CacheBins;
import io.github.hpa4j.core.EdenExhaustedException;
import io.github.hpa4j.core.MemoryBudgetExceededException;
import io.github.hpa4j.core.Shard;
import io.github.hpa4j.core.ShardDisabledException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front of the allocator: a {@link ThreadCache} per calling thread over a {@link TransferTier}
 * per shard, so that a thread waits for a shard actor only when its cache and its shard's tier are
 * both empty (jemalloc's tcache over its SEC; TCMalloc's per-CPU caches over its transfer caches).
 *
 * <p><b>Per thread.</b> The facade's callers are plain threads, and a thread's shard is fixed
 * (thread id modulo shards), so a thread's cache holds its own shard's extents, and frees of other
 * shards' extents are batched to their tiers. An actor that calls the facade uses its dispatcher
 * thread's cache. Actors speaking the {@link ShardActor} protocol bypass the front altogether.
 *
 * <p><b>What is cached:</b> the small classes below a page and whole pages up to
 * {@code slab-max-alloc}, one bin each ({@link CacheBins}), for alignments up to a page (the facade
 * clears a zeroed hit); large extents and larger alignments go to their shard. Each entry is the
 * retired handle of the free that put the extent there: the facade has already claimed it, so the
 * front never judges a free, and a hit hands the extent out under a new handle
 * ({@link Handles#reissue}); the old one stays refused for ever.
 *
 * <p><b>Giving memory back.</b> Each cache's policy ({@link io.github.hpa4j.core.ThreadCachePolicy})
 * runs its GC on the owner's own calls, once per {@code sweep-interval}. The sweeper (Akka scheduler,
 * the same interval) moves the coarse clock the caches read, decays the tiers, and empties the caches
 * of threads that ended or made no call for {@code idle-timeout}. {@link #trim()} (a memory-pressure
 * hint, and the first step of stopping) empties every cache and tier.
 *
 * <p>Cached extents stay active in their shard, as in jemalloc; {@link CacheStats} reports them.
 */
final class FrontCache {
    private static final Logger LOG = LoggerFactory.getLogger(FrontCache.class);
    private static final long LANDING_WAIT_MS = 100;
    private final CacheSettings settings;
    private final ShardGateway gateway;
    private final Handles handles;
    private final CacheBins bins;
    private final long idleNanos;
    private final TransferTier[] tiers;
    private final Set<ThreadCache> caches = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<ThreadCache> local = ThreadLocal.withInitial(this::register);
    /* The caches' clock: coarse on purpose, so that the hot path reads a field instead of the clock. */
    private volatile long tick = System.nanoTime();
    private volatile boolean closed;
    private final AtomicLong waits = new AtomicLong();
    private final AtomicLong retiredHits = new AtomicLong();
    private final AtomicLong retiredTierHits = new AtomicLong();
    private final AtomicLong retiredMisses = new AtomicLong();
    private final AtomicLong retiredFlushes = new AtomicLong();
    private final AtomicLong retiredRemote = new AtomicLong();

    FrontCache(CacheSettings settings, long smallMax, long slabMaxAlloc, Handles handles, ShardGateway gateway) {
        this.settings = settings;
        this.gateway = gateway;
        this.handles = handles;
        this.bins = new CacheBins(smallMax, slabMaxAlloc);
        this.idleNanos = settings.idleTimeout().toNanos();
        this.tiers = new TransferTier[gateway.shardCount()];
        for (int shard = 0; shard < tiers.length; shard++) {
            tiers[shard] = new TransferTier(
                    shard,
                    bins,
                    settings.transferBytes(),
                    settings.transferTotalBytes(),
                    settings.maxPerClass(),
                    gateway);
        }
        gateway.useTiers(tiers);
    }

    private ThreadCache register() {
        ThreadCache cache = new ThreadCache(
                Thread.currentThread(), gateway.shardOfCurrentThread(), tiers.length, bins, settings, gateway, tick);
        caches.add(cache);
        return cache;
    }

    /*
     * The class of a request, or NONE when the front does not serve it: a large size (its shard serves
     * it), or a bad one (its shard refuses it).
     */
    private int binOf(long bytes) {
        return bins.ofRequest(bytes);
    }

    // ------------------------------------------------------------------ allocation

    /** A new handle from the thread's cache or its shard's tier, or null: then {@link #allocateMissed}. */
    Allocation allocateHit(long bytes) {
        return hitOf(binOf(bytes));
    }

    /** As {@link #allocateHit(long)}, aligned to {@code alignment}: from a class whose every extent is. */
    Allocation allocateHit(long bytes, long alignment) {
        return hitOf(bins.ofRequest(bytes, alignment));
    }

    private Allocation hitOf(int bin) {
        Allocation cached = takeOf(local.get(), bin);
        return cached == null ? null : handles.reissue(cached);
    }

    private Allocation takeOf(ThreadCache cache, int bin) {
        return bin == CacheBins.NONE || closed ? null : cache.allocate(bin, tick);
    }

    /** The calling thread's cache, for a {@link Lease} confined to this thread. */
    ThreadCache cacheOfCurrentThread() {
        return local.get();
    }

    /**
     * A cached extent itself, for a lease on {@code cache}'s owner thread, aligned to
     * {@code alignment}: retired and in no stack, so that only the lease can give it back; or null.
     */
    Allocation take(ThreadCache cache, long bytes, long alignment) {
        return takeOf(cache, alignment <= 1 ? binOf(bytes) : bins.ofRequest(bytes, alignment));
    }

    /** A lease on {@code cache}'s owner thread gives back what {@link #take} gave it. */
    void free(ThreadCache cache, Allocation taken) {
        if (closed) {
            gateway.release(List.of(taken));
            return;
        }
        cache.free(taken, tick);
    }

    /** The cache and the tier were empty: one ask to the thread's shard, which the tier's restock follows. */
    CompletionStage<List<Allocation>> allocateMissed(long bytes, int count) {
        int shard = gateway.shardOfCurrentThread();
        int bin = binOf(bytes);
        if (bin == CacheBins.NONE) {
            return gateway.allocate(shard, bytes, count); // not the front's: no refill, no wait counted
        }
        waits.incrementAndGet();
        CompletionStage<List<Allocation>> asked = gateway.refill(shard, bytes, count);
        TransferTier tier = tiers[shard];
        tier.restockAfterMiss(bin);
        if (count != 1) {
            return asked;
        }
        // Out of memory, the last pages may be on their way to the tier: the caller gets one of them.
        // A restock the shard answers in order lands at once; one still waiting for eden is not waited
        // for, since the caller must be answered within its own ask timeout.
        return asked.exceptionallyCompose(error -> !outOfMemory(error)
                ? CompletableFuture.failedStage(error)
                : tier.restockLanded(bin)
                        .completeOnTimeout(null, LANDING_WAIT_MS, TimeUnit.MILLISECONDS)
                        .thenCompose(landed -> {
                            Allocation stocked = tier.takeOne(bin);
                            return stocked == null
                                    ? CompletableFuture.<List<Allocation>>failedStage(error)
                                    : CompletableFuture.completedStage(List.of(handles.reissue(stocked)));
                        }));
    }

    private static boolean outOfMemory(Throwable error) {
        Throwable cause = ShardGateway.unwrap(error);
        return cause instanceof EdenExhaustedException || cause instanceof MemoryBudgetExceededException;
    }

    /** {@code count} extents: from the cache and the tier as far as they go, one ask for the rest. */
    CompletionStage<List<Allocation>> allocateBatch(long bytes, int count) {
        int bin = binOf(bytes);
        if (bin == CacheBins.NONE || count < 1 || count > Shard.MAX_BATCH || closed) {
            return gateway.allocate(gateway.shardOfCurrentThread(), bytes, count); // the shard names the error
        }
        List<Allocation> hits = new ArrayList<>(count);
        ThreadCache cache = local.get();
        int got = cache.allocate(bin, tick, hits, count);
        if (got == count) {
            return CompletableFuture.completedFuture(reissue(hits, new ArrayList<>(count)));
        }
        waits.incrementAndGet();
        CompletionStage<List<Allocation>> asked = gateway.refill(cache.shard, bins.itemBytes(bin), count - got);
        tiers[cache.shard].restockAfterMiss(bin);
        return asked.handle((fresh, error) -> {
            if (error != null) {
                giveBack(cache.shard, hits); // all or nothing: what the front found goes back to the tier
                throw error instanceof CompletionException c ? c : new CompletionException(error);
            }
            List<Allocation> out = reissue(hits, new ArrayList<>(count));
            out.addAll(fresh);
            return out;
        });
    }

    private List<Allocation> reissue(List<Allocation> cached, List<Allocation> out) {
        for (Allocation a : cached) {
            out.add(handles.reissue(a));
        }
        return out;
    }

    /* Runs on the shard's thread, not the owner's: into the tier, not the cache. */
    private void giveBack(int shard, List<Allocation> retired) {
        List<Allocation> overflow = tiers[shard].give(retired);
        if (!overflow.isEmpty()) {
            gateway.release(overflow);
        }
    }

    // ------------------------------------------------------------------ free

    /** Takes the claimed, retired handle of a free: into the thread's cache. */
    void free(Allocation retired) {
        if (closed) {
            gateway.release(List.of(retired));
            return;
        }
        local.get().free(retired, tick);
    }

    /** As {@link #free(Allocation)} for each of a batch. */
    void free(List<Allocation> retired) {
        if (closed) {
            gateway.release(retired);
            return;
        }
        ThreadCache cache = local.get();
        long now = tick;
        for (Allocation a : retired) {
            cache.free(a, now);
        }
    }

    // ------------------------------------------------------------------ giving memory back

    /**
     * Empties every cache and tier, once the restocks on their way have landed; completes when the
     * shards have answered every release.
     */
    CompletableFuture<Void> trim() {
        CompletableFuture<?>[] landing = new CompletableFuture<?>[tiers.length];
        for (int shard = 0; shard < tiers.length; shard++) {
            landing[shard] = tiers[shard].restocksLanded();
        }
        return CompletableFuture.allOf(landing).thenCompose(landed -> emptyAll());
    }

    private CompletableFuture<Void> emptyAll() {
        List<Allocation> all = new ArrayList<>();
        for (ThreadCache cache : caches) {
            cache.steal(all);
        }
        for (TransferTier tier : tiers) {
            all.addAll(tier.drainAll());
        }
        // A refusal means a shard is stopping (it reclaims what it holds) or a bug: logged, not thrown.
        return gateway.releaseFromFront(all).handle((x, error) -> {
            Throwable cause = ShardGateway.unwrap(error);
            if (cause != null && !(cause instanceof ShardDisabledException)) {
                LOG.error("hpa4j: a shard refused to take back {} cached extents", all.size(), cause);
            }
            return null;
        });
    }

    /**
     * The allocator is stopping: empties everything, and from now on every extent that reaches the
     * front (a restock on its way, a free that raced the stop) goes straight on to its shard.
     */
    CompletableFuture<Void> close() {
        closed = true;
        for (TransferTier tier : tiers) {
            tier.close();
        }
        return trim();
    }

    /** One sweep: the clock moves, the tiers decay, caches of ended or idle threads are emptied. */
    void sweep() {
        long now = System.nanoTime();
        tick = now;
        List<Allocation> loot = new ArrayList<>(0);
        for (ThreadCache cache : caches) {
            Thread owner = cache.owner.get();
            if (owner == null || !owner.isAlive()) {
                cache.steal(loot);
                retire(cache);
            } else if (now - cache.lastUsed > idleNanos) {
                cache.steal(loot);
            }
        }
        for (TransferTier tier : tiers) {
            tier.decay();
        }
        if (!loot.isEmpty()) {
            gateway.release(loot);
        }
    }

    private void retire(ThreadCache cache) {
        if (caches.remove(cache)) {
            retiredHits.addAndGet(cache.hits);
            retiredTierHits.addAndGet(cache.tierHits);
            retiredMisses.addAndGet(cache.misses);
            retiredFlushes.addAndGet(cache.flushes);
            retiredRemote.addAndGet(cache.remoteBatches);
        }
    }

    /** Whether no restock is on its way to any tier: the front changes only through its callers now. */
    boolean settled() {
        for (TransferTier tier : tiers) {
            if (tier.restocking()) {
                return false;
            }
        }
        return true;
    }

    CacheStats stats() {
        long extents = 0;
        long bytes = 0;
        long hits = retiredHits.get();
        long tierHits = retiredTierHits.get();
        long misses = retiredMisses.get();
        long flushes = retiredFlushes.get();
        long remote = retiredRemote.get();
        long count = 0;
        for (ThreadCache cache : caches) {
            long[] cached = cache.cached();
            count++;
            extents += cached[0];
            bytes += cached[1];
            hits += cache.hits;
            tierHits += cache.tierHits;
            misses += cache.misses;
            flushes += cache.flushes;
            remote += cache.remoteBatches;
        }
        long tierExtents = 0;
        long tierBytes = 0;
        long restocks = 0;
        for (TransferTier tier : tiers) {
            tierExtents += tier.extents();
            tierBytes += tier.bytes();
            restocks += tier.restocks();
        }
        return new CacheStats(
                count,
                extents + tierExtents,
                bytes + tierBytes,
                hits + tierHits,
                misses,
                waits.get(),
                flushes,
                remote,
                tierExtents,
                tierBytes,
                tierHits,
                restocks);
    }
}
