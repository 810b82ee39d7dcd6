package io.github.hpa4j.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import io.github.hpa4j.core.Shard;
import io.github.hpa4j.core.ShardDisabledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade's and the caches' one way to the shard actors: each method sends one message (or one
 * per shard) and turns its reply into a stage. It also keeps the transfer tiers stocked
 * ({@link TransferTier.Shard}) and takes back what no tier has room for.
 */
final class ShardGateway implements TransferTier.Shard, ThreadCache.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(ShardGateway.class);

    private final List<ActorRef<ShardActor.Command>> shards;
    private final Handles handles;
    private final Duration askTimeout;
    /*
     * For messages no caller waits on (flushes, restocks, reclaims): the shard answers them, late
     * under load, and a short caller-facing timeout would only lose the count of what they freed.
     */
    private final Duration backgroundTimeout;
    private final Scheduler scheduler;
    private TransferTier[] tiers = new TransferTier[0];

    ShardGateway(List<ActorRef<ShardActor.Command>> shards, Handles handles, Duration askTimeout, Scheduler scheduler) {
        this.shards = shards;
        this.handles = handles;
        this.askTimeout = askTimeout;
        this.backgroundTimeout = askTimeout.plusSeconds(30);
        this.scheduler = scheduler;
    }

    /* Set once, before any cache exists. */
    void useTiers(TransferTier[] tiers) {
        this.tiers = tiers;
    }

    int shardCount() {
        return shards.size();
    }

    int shardOfCurrentThread() {
        return (int) Math.floorMod(Thread.currentThread().threadId(), (long) shards.size());
    }

    /** As {@link #allocate}, for a front that missed: a cache refill in JFR. */
    CompletionStage<List<Allocation>> refill(int shard, long bytes, int count) {
        CacheRefillEvent.emit(shard, bytes, count);
        return allocate(shard, bytes, count);
    }

    /** {@code count} fresh live handles of {@code bytes} from {@code shard}, in one message. */
    CompletionStage<List<Allocation>> allocate(int shard, long bytes, int count) {
        return allocate(shard, bytes, count, AllocationOptions.DEFAULT);
    }

    /** As above, made as {@code options} say. */
    CompletionStage<List<Allocation>> allocate(int shard, long bytes, int count, AllocationOptions options) {
        return ask(
                        shards.get(shard),
                        (ActorRef<ShardActor.AllocateReply> replyTo) ->
                                new ShardActor.Allocate(bytes, count, options, replyTo))
                .thenCompose(reply -> switch (reply) {
                    case ShardActor.Allocated allocated -> CompletableFuture.completedFuture(allocated.allocations());
                    case ShardActor.AllocateFailed failed -> CompletableFuture.failedFuture(failed.error());
                });
    }

    /** Gives the extents of retired handles of one shard back to it, in messages of at most a batch. */
    private CompletableFuture<Void> release(int shard, List<Allocation> retired, Duration timeout) {
        if (retired.size() > Shard.MAX_BATCH) {
            List<CompletableFuture<Void>> parts = new ArrayList<>();
            for (int from = 0; from < retired.size(); from += Shard.MAX_BATCH) {
                parts.add(release(
                        shard, retired.subList(from, Math.min(retired.size(), from + Shard.MAX_BATCH)), timeout));
            }
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
        }
        List<Allocation> batch = List.copyOf(retired);
        return ask(
                        shards.get(shard),
                        (ActorRef<ShardActor.FreeReply> replyTo) -> new ShardActor.Release(batch, replyTo),
                        timeout)
                .thenCompose(reply -> switch (reply) {
                    case ShardActor.Freed freed -> CompletableFuture.<Void>completedFuture(null);
                    case ShardActor.FreeFailed failed -> CompletableFuture.<Void>failedFuture(failed.error());
                })
                .toCompletableFuture();
    }

    /** As {@link #releaseToOwners}, for what leaves the front: each shard's part is a cache flush in JFR. */
    CompletableFuture<Void> releaseFromFront(List<Allocation> retired) {
        return releaseToOwners(retired, true, backgroundTimeout);
    }

    /** One release per shard of the retired handles, whatever shards they belong to, for a caller that waits. */
    CompletableFuture<Void> releaseToOwners(List<Allocation> retired) {
        return releaseToOwners(retired, false, askTimeout);
    }

    /** As {@link #releaseToOwners}, for what nobody waits on (reclaims, quarantine exits). */
    CompletableFuture<Void> releaseInBackground(List<Allocation> retired) {
        return releaseToOwners(retired, false, backgroundTimeout);
    }

    private CompletableFuture<Void> releaseToOwners(List<Allocation> retired, boolean fromFront, Duration timeout) {
        if (retired.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<List<Allocation>> byShard = new ArrayList<>(shards.size());
        for (int i = 0; i < shards.size(); i++) {
            byShard.add(null);
        }
        for (Allocation allocation : retired) {
            List<Allocation> part = byShard.get(allocation.shard());
            if (part == null) {
                part = new ArrayList<>();
                byShard.set(allocation.shard(), part);
            }
            part.add(allocation);
        }
        List<CompletableFuture<Void>> parts = new ArrayList<>(shards.size());
        for (int shard = 0; shard < byShard.size(); shard++) {
            if (byShard.get(shard) != null) {
                if (fromFront) {
                    CacheFlushEvent.emit(shard, byShard.get(shard));
                }
                parts.add(release(shard, byShard.get(shard), timeout));
            }
        }
        return parts.size() == 1 ? parts.get(0) : CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    // ------------------------------------------------------------------ the caches' side

    @Override
    public TransferTier tier(int shard) {
        return tiers[shard];
    }

    /*
     * Every extent given back here was live in its shard when it was cached: a refusal means the
     * shard is stopping (it reclaims them), or a bug, logged.
     */
    // The handler only logs; the stage it returns completes with nothing anyone waits for.
    @SuppressWarnings("FutureReturnValueIgnored")
    @Override
    public void release(List<Allocation> retired) {
        releaseFromFront(retired).whenComplete((x, error) -> {
            Throwable cause = unwrap(error);
            if (cause != null && !(cause instanceof ShardDisabledException)) {
                LOG.error("hpa4j: a shard refused to take back {} cached extents", retired.size(), cause);
            }
        });
    }

    @Override
    public void restock(TransferTier tier, int bin, long bytes, int count) {
        CacheRefillEvent.emit(tier.shard(), bytes, count);
        ask(
                        shards.get(tier.shard()),
                        (ActorRef<ShardActor.AllocateReply> replyTo) -> new ShardActor.Stock(bytes, count, replyTo),
                        backgroundTimeout)
                .whenComplete((reply, error) -> {
                    List<Allocation> fresh =
                            reply instanceof ShardActor.Allocated allocated ? allocated.allocations() : null;
                    if (fresh == null) {
                        tier.stockFailed(bin);
                    } else {
                        tier.stock(bin, handles.retireUnheld(fresh));
                    }
                });
    }

    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
    }

    // ------------------------------------------------------------------ plumbing

    private <Req, Res> CompletionStage<Res> ask(
            ActorRef<Req> target, akka.japi.function.Function<ActorRef<Res>, Req> message) {
        return ask(target, message, askTimeout);
    }

    private <Req, Res> CompletionStage<Res> ask(
            ActorRef<Req> target, akka.japi.function.Function<ActorRef<Res>, Req> message, Duration timeout) {
        try {
            return AskPattern.ask(target, message, timeout, scheduler);
        } catch (Exception e) {
            // Akka throws InterruptedException undeclared when an interrupted thread sends to an
            // actor that has not started yet: nothing was sent, so the call fails as interrupted.
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(e);
            }
            throw e;
        }
    }
}
