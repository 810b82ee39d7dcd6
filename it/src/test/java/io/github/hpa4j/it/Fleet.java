package io.github.hpa4j.it;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Hpa4j;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A set of concurrent clients of one allocator: plain threads on the facade and actors on the
 * protocol. The first client to fail stops the others, and {@link #await} reports that failure.
 */
final class Fleet {
    private final ActorTestKit testKit;
    private final Hpa4j hpa4j;
    private final PatternLedger ledger;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<CompletableFuture<ClientResult>> results = new ArrayList<>();
    private final CompletableFuture<Void> firstFailure = new CompletableFuture<>();

    /** Clients of {@code hpa4j}, their actors in {@code testKit}, their allocations in {@code ledger}. */
    Fleet(ActorTestKit testKit, Hpa4j hpa4j, PatternLedger ledger) {
        this.testKit = testKit;
        this.hpa4j = hpa4j;
        this.ledger = ledger;
    }

    /** A plain thread that the facade maps to {@code shard}. */
    void facade(String name, int shard, Workload workload, long seed, ClientObserver observer) {
        FacadeClient client =
                new FacadeClient(hpa4j, new ClientBook(name, hpa4j, ledger, workload, seed, observer), stop::get);
        CompletableFuture<ClientResult> result = track(new CompletableFuture<>());
        It.threadForShard(hpa4j, shard, name, () -> {
                    try {
                        result.complete(client.call());
                    } catch (Throwable t) {
                        result.completeExceptionally(t);
                    }
                })
                .start();
    }

    /** An actor speaking the shard protocol to {@code shard} with {@code depth} requests in flight. */
    void protocol(String name, int shard, Workload workload, long seed, int depth, ClientObserver observer) {
        CompletableFuture<ClientResult> result = track(new CompletableFuture<>());
        testKit.spawn(
                ProtocolClient.create(
                        new ClientBook(name, hpa4j, ledger, workload, seed, observer),
                        hpa4j.shard(shard),
                        depth,
                        stop::get,
                        result),
                name);
    }

    /** Asks every client to stop after its calls in flight. */
    void stop() {
        stop.set(true);
    }

    /** Every client's result; fails with the first client failure, or when {@code atMost} runs out. */
    List<ClientResult> await(Duration atMost) {
        CompletableFuture<Void> all = CompletableFuture.allOf(results.toArray(CompletableFuture[]::new));
        try {
            CompletableFuture.anyOf(all, firstFailure).get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            stop();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            stop();
            Throwable cause = It.unwrap(e);
            throw cause instanceof AssertionError assertion ? assertion : new AssertionError(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            stop();
            long finished = results.stream().filter(CompletableFuture::isDone).count();
            throw new AssertionError(
                    "clients did not finish within " + atMost + " (" + finished + " of " + results.size() + " done)");
        }
        return results.stream().map(CompletableFuture::join).toList();
    }

    // The handler only records the first failure; the caller keeps result itself.
    @SuppressWarnings("FutureReturnValueIgnored")
    private CompletableFuture<ClientResult> track(CompletableFuture<ClientResult> result) {
        result.whenComplete((r, error) -> {
            if (error != null) {
                stop();
                firstFailure.completeExceptionally(error);
            }
        });
        results.add(result);
        return result;
    }

    /** Verifies and frees {@code allocations} through the facade, 64 at a time. */
    static void freeAll(Hpa4j hpa4j, PatternLedger ledger, List<PatternLedger.Tracked> allocations) {
        for (int from = 0; from < allocations.size(); from += 64) {
            List<PatternLedger.Tracked> part = allocations.subList(from, Math.min(allocations.size(), from + 64));
            List<io.github.hpa4j.actors.Allocation> batch = new ArrayList<>(part.size());
            for (PatternLedger.Tracked tracked : part) {
                ledger.release(tracked);
                batch.add(tracked.allocation());
            }
            It.get(hpa4j.freeBatch(batch));
        }
    }

    static List<PatternLedger.Tracked> live(List<ClientResult> results) {
        List<PatternLedger.Tracked> live = new ArrayList<>();
        for (ClientResult result : results) {
            live.addAll(result.live());
        }
        return live;
    }

    static long operations(List<ClientResult> results) {
        return results.stream().mapToLong(ClientResult::operations).sum();
    }

    static long calls(List<ClientResult> results) {
        return results.stream().mapToLong(ClientResult::calls).sum();
    }

    static long tolerated(List<ClientResult> results) {
        return results.stream().mapToLong(ClientResult::tolerated).sum();
    }
}
