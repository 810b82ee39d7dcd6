package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.bridge.SystemClock;
import io.github.hpa4j.core.PageHooks;
import io.github.hpa4j.testkit.Stages;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Small helpers shared by the integration tests: settings, starting allocators, waiting on stages,
 * unwrapping failures.
 */
final class It {
    /** How long a test waits for one facade call it expects to complete. */
    static final Duration CALL_TIMEOUT = Stages.TIMEOUT;

    /**
     * Deferred work on a test's time scale: a dense slab is hugified 100 ms after it became a
     * candidate, purge passes are 100 ms apart, and a failed page job holds the next ones 20 ms
     * (doubling up to 200 ms) instead of reference.conf's seconds.
     */
    static final String FAST_DEFERRED_WORK = """
            hpa4j.hugify-delay = 100ms
            hpa4j.min-purge-interval = 100ms
            hpa4j.job-retry-backoff = 20ms
            hpa4j.job-retry-backoff-max = 200ms
            """;

    private It() {}

    /** reference.conf's hpa4j section with {@code overrides} (HOCON) on top, validated. */
    static Hpa4jSettings settings(String... overrides) {
        Config config = ConfigFactory.parseString(String.join("\n", overrides))
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
        return Hpa4jSettings.fromConfig(config);
    }

    /** An allocator on real memory in {@code kit}'s system, with {@code overrides} on reference.conf. */
    static Hpa4j startOnRealMemory(ActorTestKit kit, String... overrides) {
        return startOnRealMemory(kit, settings(overrides));
    }

    /** An allocator with {@code settings} on real memory in {@code kit}'s system. */
    static Hpa4j startOnRealMemory(ActorTestKit kit, Hpa4jSettings settings) {
        return start(kit, settings, PageHooksFactory.create(settings.hugifyStyle()));
    }

    /** An allocator with {@code settings} in {@code kit}'s system, its page calls made through {@code hooks}. */
    static Hpa4j start(ActorTestKit kit, Hpa4jSettings settings, PageHooks hooks) {
        return Hpa4j.start(kit.system(), settings, hooks, SystemClock.INSTANCE);
    }

    /** The stage's value, failing the test if it fails or takes longer than {@link #CALL_TIMEOUT}. */
    static <T> T get(CompletionStage<T> stage) {
        return Stages.get(stage, CALL_TIMEOUT);
    }

    /** The cause the stage failed with (unwrapped), failing the test if it succeeds. */
    static Throwable failureOf(CompletionStage<?> stage) {
        return Stages.failureOf(stage, CALL_TIMEOUT);
    }

    /** The stage's failure, asserted to be a {@code type}. */
    static <E extends Throwable> E failureOf(CompletionStage<?> stage, Class<E> type) {
        Throwable failure = failureOf(stage);
        return assertInstanceOf(type, failure, () -> "expected " + type.getSimpleName() + ", got " + failure);
    }

    /** Strips the CompletionException / ExecutionException wrappers stages add. */
    static Throwable unwrap(Throwable t) {
        return Stages.unwrap(t);
    }

    /**
     * A thread the facade maps to shard {@code shard}: {@link Hpa4j} picks a plain thread's shard as
     * its thread id modulo the shard count, and thread ids are assigned when a Thread is constructed,
     * so construct until one fits (at most one try per shard; the discarded ones never start).
     */
    static Thread threadForShard(Hpa4j hpa4j, int shard, String name, Runnable task) {
        for (int tries = 0; ; tries++) {
            Thread thread = new Thread(task, name);
            if (Math.floorMod(thread.threadId(), (long) hpa4j.shardCount()) == shard) {
                thread.setDaemon(true);
                return thread;
            }
            if (tries > 10_000) {
                throw new IllegalStateException("no thread id maps to shard " + shard);
            }
        }
    }

    /**
     * Runs {@code call} on a thread the facade maps to shard {@code shard} and returns what it
     * returned (rethrowing what it threw), so that a test talks to the shard of its choice.
     */
    static <T> T onShard(Hpa4j hpa4j, int shard, Supplier<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = threadForShard(hpa4j, shard, "shard-" + shard + "-client", () -> {
            try {
                result.complete(call.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        thread.start();
        try {
            return result.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + CALL_TIMEOUT, e);
        }
    }

    /** A thread factory whose threads all talk to shard {@code shard} through the facade. */
    static ThreadFactory threadsForShard(Hpa4j hpa4j, int shard, String name) {
        return task -> threadForShard(hpa4j, shard, name, task);
    }
}
