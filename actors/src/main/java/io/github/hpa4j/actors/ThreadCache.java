package io.github.hpa4j.actors;

import io.github.hpa4j.core.CacheBins;
import io.github.hpa4j.core.ThreadCachePolicy;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One thread's cache: a stack of cached extents per size class, steered by core's
 * {@link ThreadCachePolicy}, in front of its shard's {@link TransferTier}.
 *
 * <p><b>The owner path takes no lock.</b> Only the owning thread changes the stacks, the policy and
 * the counters; a hit is a pop and one CAS on the popped handle, a free one release store and a
 * push. Another thread (the sweeper, a trim, the stop) empties a cache without stopping its owner:
 * it claims each cached handle by the same CAS ({@link Allocation#takeCached}), so every cached
 * extent goes to exactly one of them, and then raises {@link #robbed} so that the owner drops the
 * entries it lost before trusting its counts again.
 *
 * <p>Frees of another shard's extents wait in a small buffer per shard and go to that shard's tier
 * as a batch of {@code remote-batch}.
 */
final class ThreadCache {
    /** Where a cache sends what leaves it. */
    interface Sink {
        TransferTier tier(int shard);

        /** Extents no tier had room for go back to their shards. */
        void release(List<Allocation> retired);
    }

    final WeakReference<Thread> owner;
    final int shard;
    private final TransferTier tier;
    private final Sink sink;
    private final CacheBins bins;
    private final ThreadCachePolicy policy;
    private final Allocation[][] stacks;
    private final int[] gcFlush;
    private final Allocation[][] remote;
    private final int[] remoteCount;
    private final Allocation[] fill;
    private final int remoteBatch;
    /* Set by a thief after it took cached handles: the owner's counts are too high until it recounts. */
    private volatile boolean robbed;
    /* The coarse clock at the owner's last call, for the sweeper's idle test. */
    long lastUsed;
    long hits;
    long tierHits;
    long misses;
    long flushes;
    long remoteBatches;

    ThreadCache(Thread owner, int shard, int shards, CacheBins bins, CacheSettings settings, Sink sink, long now) {
        this.owner = new WeakReference<>(owner);
        this.shard = shard;
        this.sink = sink;
        this.tier = sink.tier(shard);
        this.bins = bins;
        int initial = Math.min(settings.maxPerClass(), 8);
        this.policy = new ThreadCachePolicy(
                bins.itemBytes(),
                new ThreadCachePolicy.Options(
                        settings.maxPerClass(),
                        initial,
                        settings.maxBytes(),
                        settings.sweepInterval().toNanos()),
                now);
        this.stacks = new Allocation[bins.last() + 1][];
        this.gcFlush = new int[bins.last() + 1];
        this.remote = new Allocation[shards][];
        this.remoteCount = new int[shards];
        this.fill = new Allocation[settings.maxPerClass()];
        this.remoteBatch = settings.remoteBatch();
        this.lastUsed = now;
    }

    // ------------------------------------------------------------------ the owner

    /** A hit from the stack or the tier (the caller's handle to reissue), or null: the shard must be asked. */
    Allocation allocate(int bin, long now) {
        enter(now);
        Allocation a = pop(bin, now);
        if (a != null) {
            hits++;
            return a;
        }
        return fillFromTier(bin, now);
    }

    /** Up to {@code max} hits of {@code bin} into {@code out}, from the stack then the tier; returns how many. */
    int allocate(int bin, long now, List<Allocation> out, int max) {
        enter(now);
        int got = 0;
        Allocation a;
        while (got < max && (a = pop(bin, now)) != null) {
            out.add(a);
            got++;
        }
        hits += got;
        if (got < max) {
            policy.fillCount(bin, now); // the class ran empty: demand the policy sizes the class by
        }
        while (got < max) {
            int n = tier.take(bin, fill, 0, Math.min(fill.length, max - got), max - got);
            if (n == 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                out.add(fill[i]);
                fill[i] = null;
            }
            tierHits += n;
            got += n;
        }
        misses += max - got;
        return got;
    }

    private Allocation pop(int bin, long now) {
        Allocation[] stack = stacks[bin];
        int n;
        while ((n = policy.ncached(bin)) > 0) {
            Allocation a = stack[n - 1];
            stack[n - 1] = null;
            if (a.takeCached()) {
                policy.hit(bin, now);
                return a;
            }
            policy.flushed(bin, 1); // a thief took it
        }
        return null;
    }

    private Allocation fillFromTier(int bin, long now) {
        int wanted = Math.min(fill.length, policy.fillCount(bin, now));
        int got = tier.take(bin, fill, 0, wanted, wanted);
        if (got == 0) {
            misses++;
            return null;
        }
        tierHits++;
        Allocation mine = fill[0];
        fill[0] = null;
        if (got > 1) {
            Allocation[] stack = stack(bin);
            int n = policy.ncached(bin);
            for (int i = 1; i < got; i++) {
                fill[i].markCached();
                stack[n++] = fill[i];
                fill[i] = null;
            }
            policy.filled(bin, got - 1);
        }
        return mine;
    }

    /** A free the facade has claimed and retired: into a stack, a remote buffer, or the tier. */
    void free(Allocation a, long now) {
        enter(now);
        if (a.shard() != shard) {
            freeRemote(a);
            return;
        }
        int bin = bins.ofUsable(a.size());
        int flush = policy.flushBeforeFree(bin);
        if (flush < 0) {
            a.markFreed();
            if (!tier.offer(a)) {
                sink.release(List.of(a));
            }
            return;
        }
        if (flush > 0) {
            flushOldest(bin, flush);
        }
        for (int victim = policy.overBoundVictim(a.size()); victim >= 0; victim = policy.overBoundVictim(a.size())) {
            flushOldest(victim, (policy.ncached(victim) + 1) / 2);
        }
        Allocation[] stack = stack(bin);
        a.markCached();
        stack[policy.ncached(bin)] = a;
        policy.pushed(bin);
    }

    private Allocation[] stack(int bin) {
        Allocation[] stack = stacks[bin];
        if (stack == null) {
            stacks[bin] = stack = new Allocation[fill.length];
        }
        return stack;
    }

    /* The owner's bookkeeping at every call: a thief's visit, the GC when due, the idle clock. */
    private void enter(long now) {
        if (robbed) {
            recount();
        }
        if (policy.gcDue(now)) {
            gc(now);
        }
        if (lastUsed != now) {
            lastUsed = now;
        }
    }

    private void gc(long now) {
        if (policy.gc(now, gcFlush)) {
            for (int bin = 1; bin < gcFlush.length; bin++) {
                if (gcFlush[bin] > 0) {
                    flushOldest(bin, gcFlush[bin]);
                }
            }
        }
        for (int s = 0; s < remote.length; s++) {
            if (remoteCount[s] > 0) {
                drainRemote(s);
            }
        }
    }

    /* The k oldest of a bin (the bottom of its stack) go to the tier. */
    private void flushOldest(int bin, int k) {
        Allocation[] stack = stacks[bin];
        int n = policy.ncached(bin);
        k = Math.min(k, n);
        if (k <= 0) {
            return;
        }
        List<Allocation> won = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            if (stack[i].takeCached()) {
                won.add(stack[i]);
            }
        }
        System.arraycopy(stack, k, stack, 0, n - k);
        Arrays.fill(stack, n - k, n, null);
        policy.flushed(bin, k);
        flushes++;
        give(tier, won);
    }

    private void freeRemote(Allocation a) {
        int s = a.shard();
        Allocation[] buffer = remote[s];
        if (buffer == null) {
            remote[s] = buffer = new Allocation[remoteBatch];
        }
        a.markCached();
        buffer[remoteCount[s]++] = a;
        if (remoteCount[s] == buffer.length) {
            drainRemote(s);
        }
    }

    private void drainRemote(int s) {
        Allocation[] buffer = remote[s];
        List<Allocation> won = new ArrayList<>(remoteCount[s]);
        for (int i = 0; i < remoteCount[s]; i++) {
            if (buffer[i].takeCached()) {
                won.add(buffer[i]);
            }
            buffer[i] = null;
        }
        remoteCount[s] = 0;
        remoteBatches++;
        give(sink.tier(s), won);
    }

    private void give(TransferTier to, List<Allocation> won) {
        if (won.isEmpty()) {
            return;
        }
        List<Allocation> overflow = to.give(won);
        if (!overflow.isEmpty()) {
            sink.release(overflow);
        }
    }

    /* After a thief's visit: drops the entries it took, so that the counts match the stacks again. */
    private void recount() {
        robbed = false;
        for (int bin = 1; bin < stacks.length; bin++) {
            Allocation[] stack = stacks[bin];
            if (stack == null) {
                continue;
            }
            int n = policy.ncached(bin);
            int kept = 0;
            for (int i = 0; i < n; i++) {
                if (stack[i].cached()) {
                    stack[kept++] = stack[i];
                }
            }
            Arrays.fill(stack, kept, n, null);
            if (n > kept) {
                policy.flushed(bin, n - kept);
            }
        }
        for (int s = 0; s < remote.length; s++) {
            Allocation[] buffer = remote[s];
            if (buffer == null) {
                continue;
            }
            int kept = 0;
            for (int i = 0; i < remoteCount[s]; i++) {
                if (buffer[i].cached()) {
                    buffer[kept++] = buffer[i];
                }
            }
            Arrays.fill(buffer, kept, remoteCount[s], null);
            remoteCount[s] = kept;
        }
    }

    // ------------------------------------------------------------------ other threads

    /**
     * Takes every extent cached here, from any thread, while the owner may be running: what it wins
     * goes into {@code out}, and the owner recounts at its next call.
     */
    void steal(List<Allocation> out) {
        for (Allocation[] stack : stacks) {
            takeAll(stack, out);
        }
        for (Allocation[] buffer : remote) {
            takeAll(buffer, out);
        }
        robbed = true;
    }

    private static void takeAll(Allocation[] slots, List<Allocation> out) {
        if (slots == null) {
            return;
        }
        for (Allocation a : slots) {
            if (a != null && a.takeCached()) {
                out.add(a);
            }
        }
    }

    /** Extents cached here now and their bytes, as another thread sees them: {@code [extents, bytes]}. */
    long[] cached() {
        long extents = 0;
        long bytes = 0;
        for (Allocation[] stack : stacks) {
            if (stack != null) {
                for (Allocation a : stack) {
                    if (a != null && a.cached()) {
                        extents++;
                        bytes += a.size();
                    }
                }
            }
        }
        for (Allocation[] buffer : remote) {
            if (buffer != null) {
                for (Allocation a : buffer) {
                    if (a != null && a.cached()) {
                        extents++;
                        bytes += a.size();
                    }
                }
            }
        }
        return new long[] {extents, bytes};
    }
}
