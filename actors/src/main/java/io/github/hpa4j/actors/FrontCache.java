package io.github.hpa4j.actors;

import io.github.hpa4j.core.EdenExhaustedException;
import io.github.hpa4j.core.MemoryBudgetExceededException;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.Shard;
import io.github.hpa4j.core.ShardDisabledException;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front cache: jemalloc's thread caches and small-extent cache (SEC) in front of the shard
 * actors, so that most allocations and frees send no message and those that do move many extents
 * at once.
 *
 * <p><b>Per thread, not per client actor.</b> The facade's callers are plain threads, and the shard
 * affinity is already per thread (thread id modulo shards), so a thread's cache only ever holds its
 * own shard's extents and a refill is one ask to that shard. An actor that calls the facade shares
 * its dispatcher thread's cache; that is safe because a cache is only touched under its own lock,
 * which its thread takes uncontended (the sweeper and the completion of a refill are the only other
 * takers). Actors speaking the {@link ShardActor} protocol bypass the cache altogether.
 *
 * <p><b>Bins.</b> One bin per size class, a page count from 1 to {@code slab-max-alloc / page}: the
 * shard rounds every request up to pages, so a bin serves any request of its page count. A bin is a
 * stack (the most recently freed extent is handed out first, its pages the likeliest to be warm),
 * each entry stamped with the sweeper's tick when it was pushed, so the oldest entries sit at the
 * bottom. Bounds: {@code max-per-class} entries per bin, {@code max-bytes} per thread.
 *
 * <p><b>What a bin holds</b> is the retired handle of the free that put the extent there (state
 * {@link Allocation.State#CACHED}): the facade has already claimed and retired it, so the cache
 * never judges a free and keeps no record of what it handed out. A hit hands the extent out under a
 * new handle ({@link Handles#reissue}); the old one stays refused for ever.
 *
 * <ul>
 *   <li>Allocation: a hit pops the bin (no message). A miss sends one {@code Allocate} for what
 *       the bin lacks plus up to half a bin more; the extras go into the bin when the reply comes
 *       (on the shard's thread, under the cache's lock). Out of memory, it asks again for exactly
 *       what the caller lacks before refusing. A failed call gives back what it popped.</li>
 *   <li>Free: into the thread's bin when the extent is the thread's shard's and fits, into the
 *       per-owner batch of frees for another shard's extent (one message per {@code remote-batch}
 *       frees), else into a flush.</li>
 *   <li>A full bin flushes its older half as one batch release; a cache over {@code max-bytes}
 *       flushes the older half of every bin.</li>
 * </ul>
 *
 * <p><b>Giving memory back.</b> A sweeper (Akka scheduler, {@code sweep-interval}) flushes entries
 * older than {@code max-hold} (so a cached extent keeps its slab from being emptied and purged for
 * at most {@code max-hold + sweep-interval}), caches whose thread made no call for
 * {@code idle-timeout}, and the caches of threads that ended (held through a weak reference).
 * {@link #trim()} (a memory-pressure hint, and the first step of stopping) flushes everything.
 *
 * <p>Stats: cached extents stay active in their shard, as in jemalloc; {@link CacheStats} reports
 * them separately with hits, misses, refills and flushes.
 */
final class FrontCache {
    private static final Logger LOG = LoggerFactory.getLogger(FrontCache.class);

    /** What the front sends to the shards: one message each. */
    interface Backend {
        /** Fresh live handles from {@code shard}. */
        CompletionStage<List<Allocation>> allocate(int shard, long bytes, int count);

        /** Gives the extents of retired handles back to {@code shard}. */
        CompletionStage<Void> release(int shard, List<Allocation> retired);

        int shardOfCurrentThread();
    }

    private final CacheSettings settings;
    private final Backend backend;
    private final Handles handles;
    private final int classes;
    private final long maxHoldNanos;
    private final long idleNanos;
    private final Set<ThreadCache> caches = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<ThreadCache> local = ThreadLocal.withInitial(this::register);
    /* The sweeper's clock: coarse on purpose, so the hot path reads a field instead of the clock. */
    private volatile long tick = System.nanoTime();
    private volatile boolean closed;
    private final AtomicLong retiredHits = new AtomicLong();
    private final AtomicLong retiredMisses = new AtomicLong();
    private final AtomicLong retiredRefills = new AtomicLong();
    private final AtomicLong retiredFlushes = new AtomicLong();
    private final AtomicLong retiredRemote = new AtomicLong();

    FrontCache(CacheSettings settings, long slabMaxAlloc, Handles handles, Backend backend) {
        this.settings = settings;
        this.backend = backend;
        this.handles = handles;
        this.classes = (int) (Pages.pageCeiling(slabMaxAlloc) >>> Pages.LG_PAGE);
        this.maxHoldNanos = settings.maxHold().toNanos();
        this.idleNanos = settings.idleTimeout().toNanos();
    }

    private ThreadCache register() {
        ThreadCache cache = new ThreadCache(Thread.currentThread(), backend.shardOfCurrentThread(), classes);
        caches.add(cache);
        return cache;
    }

    // ------------------------------------------------------------------ allocation

    /** The size class of a request, or 0 when the front does not serve it (the shard refuses it). */
    private int classOf(long bytes) {
        if (bytes <= 0 || bytes > (long) classes << Pages.LG_PAGE) {
            return 0;
        }
        return (int) ((bytes + Pages.PAGE_MASK) >>> Pages.LG_PAGE);
    }

    /** A hit, or null: then the caller takes the slow path ({@link #allocateBatch}). */
    Allocation allocateHit(long bytes) {
        int pages = classOf(bytes);
        if (pages == 0) {
            return null;
        }
        ThreadCache cache = local.get();
        Allocation cached;
        synchronized (cache) {
            cache.lastUsed = tick;
            cached = cache.pop(pages);
            if (cached == null) {
                return null;
            }
            cache.hits++;
        }
        return handles.reissue(cached);
    }

    /** {@code count} extents, from the bin as far as it goes and one refill for the rest. */
    CompletionStage<List<Allocation>> allocateBatch(long bytes, int count) {
        int pages = classOf(bytes);
        if (pages == 0 || count < 1 || count > Shard.MAX_BATCH) {
            return backend.allocate(backend.shardOfCurrentThread(), bytes, count); // the shard names the error
        }
        ThreadCache cache = local.get();
        long size = (long) pages << Pages.LG_PAGE;
        List<Allocation> popped = new ArrayList<>(count);
        int extra;
        synchronized (cache) {
            cache.lastUsed = tick;
            while (popped.size() < count) {
                Allocation a = cache.pop(pages);
                if (a == null) {
                    break;
                }
                popped.add(a);
            }
            cache.hits += popped.size();
            if (popped.size() == count) {
                extra = -1;
            } else {
                int missing = count - popped.size();
                cache.misses += missing;
                cache.refills++;
                extra = cache.refillRoom(pages, size);
                extra = Math.max(0, Math.min(extra, Shard.MAX_BATCH - missing));
                cache.extrasInFlight[pages] += extra;
            }
        }
        if (extra < 0) {
            return CompletableFuture.completedFuture(reissue(popped, new ArrayList<>(count)));
        }
        int missing = count - popped.size();
        int asked = extra;
        CacheRefillEvent.emit(cache.shard, size, missing + extra);
        CompletionStage<List<Allocation>> refill = backend.allocate(cache.shard, size, missing + extra);
        if (extra > 0) {
            // Out of memory with the extras: the caller still gets what it asked for if that fits.
            refill = refill.exceptionallyCompose(error -> outOfMemory(error) ? backend.allocate(cache.shard, size, missing)
                    : CompletableFuture.failedStage(error));
        }
        return refill.handle((got, error) -> {
            synchronized (cache) {
                cache.extrasInFlight[pages] -= asked;
            }
            if (error != null) {
                giveBack(cache, popped); // all or nothing: what was popped goes back
                throw error instanceof CompletionException c ? c : new CompletionException(error);
            }
            List<Flush> flushes = new ArrayList<>(0);
            List<Allocation> extras = handles.retireUnheld(got.subList(missing, got.size()));
            synchronized (cache) {
                for (Allocation a : extras) {
                    cache.accept(a, flushes);
                }
            }
            send(flushes);
            return reissue(popped, new ArrayList<>(got.subList(0, missing)));
        });
    }

    private static boolean outOfMemory(Throwable error) {
        Throwable cause = error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
        return cause instanceof EdenExhaustedException || cause instanceof MemoryBudgetExceededException;
    }

    private List<Allocation> reissue(List<Allocation> popped, List<Allocation> out) {
        for (Allocation a : popped) {
            out.add(handles.reissue(a));
        }
        return out;
    }

    private void giveBack(ThreadCache cache, List<Allocation> popped) {
        if (popped.isEmpty()) {
            return;
        }
        List<Flush> flushes = new ArrayList<>(0);
        synchronized (cache) {
            cache.hits -= popped.size();
            for (Allocation a : popped) {
                cache.accept(a, flushes);
            }
        }
        send(flushes);
    }

    // ------------------------------------------------------------------ free

    /** Takes the retired handles of a free the facade has judged: into the thread's cache. */
    void free(List<Allocation> retired) {
        ThreadCache cache = local.get();
        List<Flush> flushes = new ArrayList<>(0);
        synchronized (cache) {
            cache.lastUsed = tick;
            for (Allocation a : retired) {
                cache.accept(a, flushes);
            }
        }
        send(flushes);
    }

    /** As {@link #free(List)} for one handle, without a list on the way in. */
    void free(Allocation retired) {
        ThreadCache cache = local.get();
        List<Flush> flushes = null;
        synchronized (cache) {
            cache.lastUsed = tick;
            if (cache.fits(retired)) {
                cache.push(retired);
            } else {
                flushes = new ArrayList<>(1);
                cache.accept(retired, flushes);
            }
        }
        if (flushes != null) {
            send(flushes);
        }
    }

    // ------------------------------------------------------------------ flushing

    /** One batch release to one shard. */
    private record Flush(int shard, List<Allocation> allocations) {
    }

    /* Called under the cache's lock; send() sends it after the unlock. */
    private Flush flushOf(ThreadCache cache, int shard, List<Allocation> allocations) {
        for (Allocation a : allocations) {
            a.markFreed();
        }
        if (shard != cache.shard) {
            cache.remoteBatches++;
        } else {
            cache.flushes++;
        }
        return new Flush(shard, allocations);
    }

    private CompletableFuture<Void> send(List<Flush> flushes) {
        if (flushes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<?>[] all = new CompletableFuture<?>[flushes.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = send(flushes.get(i));
        }
        return CompletableFuture.allOf(all);
    }

    /*
     * Every handle of a flush was claimed once by a free, so its shard holds each extent live: a
     * refusal means the shard is stopping (it reclaims them) or a bug, logged.
     */
    private CompletableFuture<Void> send(Flush flush) {
        CacheFlushEvent.emit(flush.shard, flush.allocations);
        return backend.release(flush.shard, flush.allocations).handle((x, error) -> {
            Throwable cause = error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
            if (cause != null && !(cause instanceof ShardDisabledException)) {
                LOG.error("front cache: shard {} refused to take back {} cached extents", flush.shard,
                        flush.allocations.size(), cause);
            }
            return (Void) null;
        }).toCompletableFuture();
    }

    // ------------------------------------------------------------------ giving memory back

    /** Flushes every cache now; completes when the shards have answered every batch. */
    CompletableFuture<Void> trim() {
        List<Flush> flushes = new ArrayList<>();
        for (ThreadCache cache : caches) {
            synchronized (cache) {
                cache.flushAll(flushes);
            }
        }
        return send(flushes);
    }

    /**
     * The allocator is stopping: flushes everything, and from now on every extent that reaches a
     * cache (a refill that was on its way, a free that raced the stop) goes straight on to its shard.
     */
    CompletableFuture<Void> close() {
        closed = true;
        return trim();
    }

    /** One sweep: old entries, idle caches, caches of ended threads. */
    void sweep() {
        long now = System.nanoTime();
        tick = now;
        List<Flush> flushes = new ArrayList<>();
        for (ThreadCache cache : caches) {
            Thread owner = cache.owner.get();
            synchronized (cache) {
                if (owner == null || !owner.isAlive()) {
                    cache.flushAll(flushes);
                    retire(cache);
                } else if (now - cache.lastUsed > idleNanos) {
                    cache.flushAll(flushes);
                } else {
                    cache.flushOlderThan(now - maxHoldNanos, flushes);
                }
            }
        }
        send(flushes);
    }

    /* Under the cache's lock, once it is empty. */
    private void retire(ThreadCache cache) {
        caches.remove(cache);
        cache.retired = true;
        retiredHits.addAndGet(cache.hits);
        retiredMisses.addAndGet(cache.misses);
        retiredRefills.addAndGet(cache.refills);
        retiredFlushes.addAndGet(cache.flushes);
        retiredRemote.addAndGet(cache.remoteBatches);
    }

    CacheStats stats() {
        long extents = 0;
        long bytes = 0;
        long hits = retiredHits.get();
        long misses = retiredMisses.get();
        long refills = retiredRefills.get();
        long flushes = retiredFlushes.get();
        long remote = retiredRemote.get();
        long count = 0;
        for (ThreadCache cache : caches) {
            synchronized (cache) {
                if (!caches.contains(cache)) {
                    continue; // retired meanwhile: its counters are in the retired sums
                }
                count++;
                extents += cache.extents();
                bytes += cache.bytes + cache.remoteBytes;
                hits += cache.hits;
                misses += cache.misses;
                refills += cache.refills;
                flushes += cache.flushes;
                remote += cache.remoteBatches;
            }
        }
        return new CacheStats(count, extents, bytes, hits, misses, refills, flushes, remote);
    }

    // ------------------------------------------------------------------ one thread's cache

    /** One thread's bins and pending remote frees; every field guarded by the object's monitor. */
    private final class ThreadCache {
        final WeakReference<Thread> owner;
        final int shard;
        final Allocation[][] items;
        final long[][] since;
        final int[] counts;
        /* Extras that refills of each class have asked for and not yet brought. */
        final int[] extrasInFlight;
        long bytes;
        final List<List<Allocation>> remote = new ArrayList<>();
        final List<long[]> remoteSince = new ArrayList<>();
        long remoteBytes;
        long lastUsed = tick;
        long hits;
        long misses;
        long refills;
        long flushes;
        long remoteBatches;
        boolean retired;

        ThreadCache(Thread owner, int shard, int classes) {
            this.owner = new WeakReference<>(owner);
            this.shard = shard;
            this.items = new Allocation[classes + 1][];
            this.since = new long[classes + 1][];
            this.counts = new int[classes + 1];
            this.extrasInFlight = new int[classes + 1];
        }

        Allocation pop(int pages) {
            int n = counts[pages];
            if (n == 0) {
                return null;
            }
            Allocation a = items[pages][--n];
            items[pages][n] = null;
            counts[pages] = n;
            bytes -= a.size();
            return a;
        }

        /* Extra extents a refill of this class may bring: half a bin, within the bin's and the bytes' room. */
        int refillRoom(int pages, long size) {
            // Extras already on their way count: a burst of misses must not each ask for half a bin.
            int room = settings.maxPerClass() - counts[pages] - extrasInFlight[pages];
            long byBytes = (settings.maxBytes() - bytes - (long) extrasInFlight[pages] * size) / size;
            return (int) Math.max(0, Math.min(Math.min(room, settings.maxPerClass() / 2), byBytes));
        }

        /* Whether a retired handle goes straight into its bin, with no flush to make room. */
        boolean fits(Allocation a) {
            long size = a.size();
            return !retired && !closed && a.shard() == shard && bytes + size <= settings.maxBytes()
                    && counts[(int) (size >>> Pages.LG_PAGE)] < settings.maxPerClass();
        }

        /* A retired handle (a free's, or a refill's extra): into a bin, a remote batch or a flush. */
        void accept(Allocation a, List<Flush> out) {
            // Its thread ended while a refill was on its way (nobody would sweep it), or the allocator stops.
            if (retired || closed) {
                out.add(flushOf(this, a.shard(), new ArrayList<>(List.of(a))));
                return;
            }
            if (a.shard() != shard) {
                acceptRemote(a, out);
                return;
            }
            long size = a.size();
            if (size > settings.maxBytes()) {
                out.add(flushOf(this, shard, new ArrayList<>(List.of(a))));
                return;
            }
            int pages = (int) (size >>> Pages.LG_PAGE);
            if (counts[pages] >= settings.maxPerClass()) {
                List<Allocation> batch = new ArrayList<>();
                takeOldest(pages, (counts[pages] + 1) / 2, batch);
                out.add(flushOf(this, shard, batch));
            }
            if (bytes + size > settings.maxBytes()) {
                List<Allocation> batch = new ArrayList<>();
                while (bytes + size > settings.maxBytes()) {
                    for (int c = 1; c < counts.length; c++) {
                        takeOldest(c, (counts[c] + 1) / 2, batch);
                    }
                }
                out.add(flushOf(this, shard, batch));
            }
            push(a);
        }

        void push(Allocation a) {
            int pages = (int) (a.size() >>> Pages.LG_PAGE);
            Allocation[] bin = items[pages];
            if (bin == null) {
                items[pages] = bin = new Allocation[settings.maxPerClass()];
                since[pages] = new long[settings.maxPerClass()];
            }
            int n = counts[pages];
            bin[n] = a;
            since[pages][n] = tick;
            counts[pages] = n + 1;
            bytes += a.size();
            a.markCached();
        }

        /* The bottom k entries of a bin (the oldest) into out. */
        private void takeOldest(int pages, int k, List<Allocation> out) {
            int n = counts[pages];
            if (k <= 0 || n == 0) {
                return;
            }
            k = Math.min(k, n);
            Allocation[] bin = items[pages];
            long[] stamps = since[pages];
            for (int i = 0; i < k; i++) {
                out.add(bin[i]);
                bytes -= bin[i].size();
            }
            System.arraycopy(bin, k, bin, 0, n - k);
            System.arraycopy(stamps, k, stamps, 0, n - k);
            for (int i = n - k; i < n; i++) {
                bin[i] = null;
            }
            counts[pages] = n - k;
        }

        private void acceptRemote(Allocation a, List<Flush> out) {
            int owner = a.shard();
            while (remote.size() <= owner) {
                remote.add(new ArrayList<>());
                remoteSince.add(new long[1]);
            }
            List<Allocation> pending = remote.get(owner);
            if (pending.isEmpty()) {
                remoteSince.get(owner)[0] = tick;
            }
            pending.add(a);
            a.markCached();
            remoteBytes += a.size();
            if (pending.size() >= settings.remoteBatch()) {
                out.add(drainRemote(owner));
            }
        }

        private Flush drainRemote(int owner) {
            List<Allocation> pending = remote.get(owner);
            remote.set(owner, new ArrayList<>());
            for (Allocation a : pending) {
                remoteBytes -= a.size();
            }
            return flushOf(this, owner, pending);
        }

        void flushAll(List<Flush> out) {
            List<Allocation> batch = new ArrayList<>();
            for (int c = 1; c < counts.length; c++) {
                takeOldest(c, counts[c], batch);
            }
            addOwn(batch, out);
            for (int s = 0; s < remote.size(); s++) {
                if (!remote.get(s).isEmpty()) {
                    out.add(drainRemote(s));
                }
            }
        }

        void flushOlderThan(long limit, List<Flush> out) {
            List<Allocation> batch = new ArrayList<>();
            for (int c = 1; c < counts.length; c++) {
                int n = counts[c];
                int old = 0;
                while (old < n && since[c][old] - limit < 0) {
                    old++;
                }
                takeOldest(c, old, batch);
            }
            addOwn(batch, out);
            for (int s = 0; s < remote.size(); s++) {
                if (!remote.get(s).isEmpty() && remoteSince.get(s)[0] - limit < 0) {
                    out.add(drainRemote(s));
                }
            }
        }

        /* A flush of the thread's own shard's extents, split at the batch limit. */
        private void addOwn(List<Allocation> batch, List<Flush> out) {
            for (int from = 0; from < batch.size(); from += Shard.MAX_BATCH) {
                out.add(flushOf(this, shard, new ArrayList<>(batch.subList(from, Math.min(batch.size(),
                        from + Shard.MAX_BATCH)))));
            }
        }

        long extents() {
            long n = 0;
            for (int count : counts) {
                n += count;
            }
            for (List<Allocation> pending : remote) {
                n += pending.size();
            }
            return n;
        }
    }
}
