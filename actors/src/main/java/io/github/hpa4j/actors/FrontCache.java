package io.github.hpa4j.actors;

import io.github.hpa4j.core.AllocatorException;
import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidFreeException;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.Shard;
import io.github.hpa4j.core.ShardDisabledException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front cache (issue 7): jemalloc's thread caches and small-extent cache (SEC) in front of the
 * shard actors, so that most allocations and frees send no message and those that do move many
 * extents at once.
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
 * <ul>
 *   <li>Allocation: a hit pops the bin (no message). A miss sends one {@code Allocate} for what
 *       the bin lacks plus up to half a bin more; the extras go into the bin when the reply comes
 *       (on the shard's thread, under the cache's lock). A failed call gives back what it popped.</li>
 *   <li>Free: checked against {@link #handles}, the front's record of every extent it handed out
 *       or holds. A match (address, size and shard) goes into the thread's bin when the extent is
 *       the thread's shard's and fits, into the per-owner batch of frees for another shard's
 *       extent (one message per {@code remote-batch} frees), else into a flush. A free the front
 *       did not hand out (the protocol's, a forged or stale handle) goes to the shard as before,
 *       which validates it and names its typed reason.</li>
 *   <li>A full bin flushes its older half as one batch free; a cache over {@code max-bytes}
 *       flushes the older half of every bin.</li>
 * </ul>
 *
 * <p><b>State of an address</b> in {@link #handles}: a {@link Handle}, live (handed out by the
 * front, in the caller's hands) or cached (freed to the front: in a bin or a pending batch), or an
 * {@link InFlight} marker (in a batch free on its way to the shard). A hit and a free only flip
 * their handle's flag; the map entry changes only when a handle moves to the thread that uses it.
 * Handles are allocated by the thread that flips them because two threads flipping neighbouring
 * objects (map nodes made one after another by the thread that completed their refills) share a
 * cache line: writing the map entries on every hit and free cut two-thread throughput from 57 M to
 * 11–25 M pairs/s. A free of a cached address
 * is a double free caught at once ({@link FreeRefusal#NOT_ALLOCATED}, nothing changed); a free
 * meeting an in-flight marker waits for that batch and is then judged again, so it can neither be
 * lost nor slip past the shard's own check. Each batch has its own marker, so a late completion
 * never clears the state a later refill gave the same address.
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

    /**
     * An address the front holds, and whether it is handed out ({@code live}) or cached. Created by
     * the thread that will flip it ({@link #home}), so that its flag shares no cache line with
     * another thread's.
     */
    private static final class Handle {
        private static final VarHandle LIVE;

        static {
            try {
                LIVE = MethodHandles.lookup().findVarHandle(Handle.class, "live", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Allocation allocation;
        final Thread home = Thread.currentThread();
        private volatile boolean live;

        Handle(Allocation allocation, boolean live) {
            this.allocation = allocation;
            this.live = live;
        }

        boolean live() {
            return live;
        }

        /* Exactly one free of a live handle wins; the others are double frees. */
        boolean free() {
            return LIVE.compareAndSet(this, true, false);
        }

        /* Undoes a free this thread won. */
        void unfree() {
            live = true;
        }

        boolean heldBy(Allocation a) {
            return live && allocation.equals(a);
        }

        boolean homeIsHere() {
            return home == Thread.currentThread();
        }
    }

    private static boolean isCached(Object state) {
        return state instanceof Handle h && !h.live();
    }

    /** What the front sends to the shards: one message each. */
    interface Backend {
        CompletionStage<List<Allocation>> allocate(int shard, long bytes, int count);

        CompletionStage<Void> free(int shard, List<Allocation> allocations);

        /** The old path: one message per shard of the batch, validated by the shards. */
        CompletionStage<Void> freeUncached(List<Allocation> allocations);

        int shardOfCurrentThread();
    }

    private final CacheSettings settings;
    private final Backend backend;
    private final int classes;
    private final long maxHoldNanos;
    private final long idleNanos;
    private final ConcurrentHashMap<Long, Object> handles = new ConcurrentHashMap<>(1 << 12);
    private final Set<ThreadCache> caches = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<ThreadCache> local = ThreadLocal.withInitial(this::register);
    /* The sweeper's clock: coarse on purpose, so the hot path reads a field instead of the clock. */
    private volatile long tick = System.nanoTime();
    private final AtomicLong retiredHits = new AtomicLong();
    private final AtomicLong retiredMisses = new AtomicLong();
    private final AtomicLong retiredRefills = new AtomicLong();
    private final AtomicLong retiredFlushes = new AtomicLong();
    private final AtomicLong retiredRemote = new AtomicLong();

    FrontCache(CacheSettings settings, long slabMaxAlloc, Backend backend) {
        this.settings = settings;
        this.backend = backend;
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
        Allocation allocation;
        synchronized (cache) {
            cache.lastUsed = tick;
            allocation = cache.pop(pages);
            if (allocation == null) {
                return null;
            }
            cache.hits++;
        }
        markLive(allocation);
        return allocation;
    }

    /** {@code count} extents, from the bin as far as it goes and one refill for the rest. */
    CompletionStage<List<Allocation>> allocateBatch(long bytes, int count) {
        int pages = classOf(bytes);
        if (pages == 0 || count < 1 || count > Shard.MAX_BATCH) {
            return backend.allocate(backend.shardOfCurrentThread(), bytes, count); // the shard names the error
        }
        ThreadCache cache = local.get();
        long size = (long) pages << Pages.LG_PAGE;
        List<Allocation> out = new ArrayList<>(count);
        int extra;
        synchronized (cache) {
            cache.lastUsed = tick;
            while (out.size() < count) {
                Allocation a = cache.pop(pages);
                if (a == null) {
                    break;
                }
                out.add(a);
            }
            cache.hits += out.size();
            if (out.size() == count) {
                extra = -1;
            } else {
                int missing = count - out.size();
                cache.misses += missing;
                cache.refills++;
                extra = cache.refillRoom(pages, size);
                extra = Math.max(0, Math.min(extra, Shard.MAX_BATCH - missing));
            }
        }
        if (extra < 0) {
            handOut(out);
            return CompletableFuture.completedFuture(out);
        }
        int missing = count - out.size();
        return backend.allocate(cache.shard, size, missing + extra).handle((got, error) -> {
            if (error != null) {
                giveBack(cache, out); // all or nothing: what was popped goes back
                throw error instanceof java.util.concurrent.CompletionException c ? c
                        : new java.util.concurrent.CompletionException(error);
            }
            List<Allocation> extras = got.subList(missing, got.size());
            for (Allocation a : extras) {
                handles.put(a.address(), new Handle(a, false));
            }
            List<Flush> flushes = new ArrayList<>(0);
            synchronized (cache) {
                for (Allocation a : extras) {
                    cache.accept(a, flushes);
                }
            }
            out.addAll(got.subList(0, missing));
            handOut(out);
            send(flushes);
            return out;
        });
    }

    private void handOut(List<Allocation> allocations) {
        for (Allocation a : allocations) {
            markLive(a);
        }
    }

    /*
     * A cached extent (or a fresh one) goes into a caller's hands. Only the cache it was popped from
     * can do this for a cached one, so a plain write is enough; a handle made elsewhere is replaced
     * by one of this thread's.
     */
    private void markLive(Allocation a) {
        if (handles.get(a.address()) instanceof Handle h && h.homeIsHere() && h.allocation.equals(a)) {
            h.unfree();
        } else {
            handles.put(a.address(), new Handle(a, true));
        }
    }

    /* After this thread won the free of {@code h}: the handle moves to this thread if it lives elsewhere. */
    private void rehome(Handle h) {
        if (!h.homeIsHere()) {
            handles.replace(h.allocation.address(), h, new Handle(h.allocation, false));
        }
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

    /**
     * Takes a free: null when the front took it (nothing more to wait for), else the stage of the
     * slow path (a shard's validation, or a typed refusal).
     */
    CompletionStage<Void> free(Allocation allocation) {
        if (allocation == null) {
            return backend.freeUncached(java.util.Collections.singletonList(null));
        }
        Long address = allocation.address();
        Object state = handles.get(address);
        if (state instanceof Handle h && h.heldBy(allocation)) {
            if (!h.free()) {
                return CompletableFuture.failedFuture(doubleFree(allocation)); // a concurrent free won
            }
            rehome(h);
            ThreadCache cache = local.get();
            List<Flush> flushes = new ArrayList<>(0);
            synchronized (cache) {
                cache.lastUsed = tick;
                cache.accept(allocation, flushes);
            }
            send(flushes);
            return null;
        }
        return refused(state, List.of(allocation), allocation);
    }

    /** Frees a batch: all through the front, or (one of them unknown to it) all through the shards. */
    CompletionStage<Void> freeBatch(List<Allocation> allocations) {
        int n = allocations.size();
        if (n == 0 || n > Shard.MAX_BATCH) {
            return backend.freeUncached(allocations); // InvalidCount from the shard
        }
        if (n == 1) {
            CompletionStage<Void> slow = free(allocations.get(0));
            return slow == null ? CompletableFuture.completedFuture(null) : slow;
        }
        /*
         * Scan the whole batch before choosing a path: an address the front holds must never reach a
         * shard through the uncached path (the shard, which counts it active, would free it while
         * it sits in a bin). A null or a duplicate makes the shard refuse the whole batch, so those
         * may go to the shard whatever else the batch holds.
         */
        Set<Long> seen = new HashSet<>(n * 2);
        boolean allFront = true;
        for (Allocation a : allocations) {
            if (a == null || !seen.add(a.address())) {
                return uncached(allocations); // the shard names null extents and duplicates
            }
            Object state = handles.get(a.address());
            if (isCached(state) || state instanceof InFlight) {
                return refused(state, allocations, a);
            }
            if (!(state instanceof Handle h && h.heldBy(a))) {
                allFront = false;
            }
        }
        if (!allFront) {
            return uncached(allocations);
        }
        Handle[] won = new Handle[n];
        for (int i = 0; i < n; i++) {
            Allocation a = allocations.get(i);
            if (!(handles.get(a.address()) instanceof Handle h && h.heldBy(a) && h.free())) {
                for (int j = 0; j < i; j++) { // a concurrent free won: undo ours, change nothing
                    won[j].unfree();
                }
                return CompletableFuture.failedFuture(doubleFree(a));
            }
            won[i] = h;
        }
        for (Handle h : won) {
            rehome(h);
        }
        ThreadCache cache = local.get();
        List<Flush> flushes = new ArrayList<>(0);
        synchronized (cache) {
            cache.lastUsed = tick;
            for (Allocation a : allocations) {
                cache.accept(a, flushes);
            }
        }
        send(flushes);
        return CompletableFuture.completedFuture(null);
    }

    /* A free the front cannot take: a double free of a cached extent, one in flight, or unknown. */
    private CompletionStage<Void> refused(Object state, List<Allocation> batch, Allocation culprit) {
        if (isCached(state)) {
            return CompletableFuture.failedFuture(doubleFree(culprit));
        }
        if (state instanceof InFlight inFlight) {
            // Judged again once the batch carrying that address has been answered.
            return inFlight.done.thenCompose(x -> {
                CompletionStage<Void> again = batch.size() == 1 ? free(batch.get(0)) : freeBatch(batch);
                return again == null ? CompletableFuture.<Void>completedFuture(null) : again;
            });
        }
        return uncached(batch);
    }

    /* The shards validate; afterwards the front forgets what it had handed out of these. */
    private CompletionStage<Void> uncached(List<Allocation> batch) {
        return backend.freeUncached(batch).thenApply(x -> {
            for (Allocation a : batch) {
                if (a != null && handles.get(a.address()) instanceof Handle h && h.heldBy(a)) {
                    handles.remove(a.address(), h);
                }
            }
            return x;
        });
    }

    private static InvalidFreeException doubleFree(Allocation a) {
        return new InvalidFreeException(FreeRefusal.NOT_ALLOCATED, a.address(), a.size(), a.shard());
    }

    // ------------------------------------------------------------------ flushing

    /** One batch free to one shard, with the marker its addresses carry meanwhile. */
    private record Flush(int shard, List<Allocation> allocations, boolean remote, InFlight marker) {
    }

    private static final class InFlight {
        final CompletableFuture<Void> done = new CompletableFuture<>();
    }

    /* Called under the cache's lock: marks the batch in flight; send() sends it after the unlock. */
    private Flush flushOf(ThreadCache cache, int shard, List<Allocation> allocations) {
        InFlight marker = new InFlight();
        for (Allocation a : allocations) {
            if (handles.get(a.address()) instanceof Handle h && !h.live()) {
                handles.replace(a.address(), h, marker);
            }
        }
        boolean remote = shard != cache.shard;
        if (remote) {
            cache.remoteBatches++;
        } else {
            cache.flushes++;
        }
        return new Flush(shard, allocations, remote, marker);
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

    private CompletableFuture<Void> send(Flush flush) {
        return backend.free(flush.shard, flush.allocations)
                .exceptionallyCompose(error -> retryOneByOne(flush, error))
                .handle((x, error) -> {
                    for (Allocation a : flush.allocations) {
                        handles.remove(a.address(), flush.marker);
                    }
                    flush.marker.done.complete(null);
                    return (Void) null;
                }).toCompletableFuture();
    }

    /*
     * A batch the front built is valid unless an extent was also freed behind the front's back (the
     * protocol) or the allocator is stopping. All or nothing would keep the good ones active for
     * ever: free them one by one, and log the ones refused.
     */
    private CompletionStage<Void> retryOneByOne(Flush flush, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                ? c.getCause() : error;
        if (cause instanceof ShardDisabledException) {
            return CompletableFuture.completedFuture(null); // the stopping shard reclaims them
        }
        if (flush.allocations.size() == 1 || !(cause instanceof AllocatorException)) {
            LOG.warn("front cache: a batch free of {} extents to shard {} failed: {}", flush.allocations.size(),
                    flush.shard, cause.toString());
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> parts = new ArrayList<>(flush.allocations.size());
        for (Allocation a : flush.allocations) {
            parts.add(backend.free(flush.shard, List.of(a)).toCompletableFuture().exceptionally(e -> {
                LOG.warn("front cache: free of {} refused: {}", a, e.getMessage());
                return null;
            }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
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
            int room = settings.maxPerClass() - counts[pages];
            long byBytes = (settings.maxBytes() - bytes) / size;
            return (int) Math.max(0, Math.min(Math.min(room, settings.maxPerClass() / 2), byBytes));
        }

        /* A freed (or refilled) extent whose state is CACHED: into a bin, a remote batch or a flush. */
        void accept(Allocation a, List<Flush> out) {
            if (retired) { // its thread ended while a refill was on its way: nobody would sweep it
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
            push(pages, a);
        }

        private void push(int pages, Allocation a) {
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
