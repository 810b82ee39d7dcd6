package io.github.hpa4j.it;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.bridge.SystemClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A one-off measurement for issue 7, not a test and not a benchmark (the JMH suite is the real
 * comparison): alloc + free pairs per second through the public API with 2 threads, for the facade
 * with the front cache (sync and CompletionStage), the facade without it, and Netty's pooled
 * direct allocator. Each thread allocates one 8 KiB buffer and frees it at once, for a few seconds
 * after a warm-up. Run from the test classpath with JDK 25 and the JVM flags of the build.
 */
public final class CachePairsMeasurement {
    private static final long BYTES = 8 * 1024;
    private static final int THREADS = 2;
    private static final long WARMUP_MS = Long.getLong("warmup", 2_000);
    private static final long MEASURE_MS = Long.getLong("measure", 4_000);

    interface Pair {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "pairs");
        try {
            Hpa4j cached = start(system, true);
            Hpa4j uncached = start(system, false);
            PooledByteBufAllocator netty = PooledByteBufAllocator.DEFAULT;
            for (int round = 0; round < 2; round++) {
                report("hpa4j facade, cache on, allocateNow/freeNow", () -> cached.freeNow(cached.allocateNow(BYTES)));
                report("hpa4j facade, cache on, allocate/free stages", () -> {
                    Allocation a = cached.allocate(BYTES).toCompletableFuture().join();
                    cached.free(a).toCompletableFuture().join();
                });
                report("hpa4j facade, cache off, allocateNow/freeNow", () -> uncached.freeNow(uncached.allocateNow(BYTES)));
                report("netty PooledByteBufAllocator.directBuffer/release", () -> {
                    ByteBuf b = netty.directBuffer((int) BYTES);
                    b.release();
                });
            }
            System.out.println("cache stats: " + cached.cacheStats());
        } finally {
            system.terminate();
        }
    }

    private static Hpa4j start(ActorSystem<Void> system, boolean cache) {
        Hpa4jSettings settings = It.settings("hpa4j.shards = " + THREADS, "hpa4j.cache.enabled = " + (cache ? "on" : "off"));
        return Hpa4j.start(system, settings, PageHooksFactory.create(settings.hugifyStyle()), SystemClock.INSTANCE);
    }

    private static void report(String name, Pair pair) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder pairs = new LongAdder();
        CountDownLatch done = new CountDownLatch(THREADS);
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                try {
                    long n = 0;
                    while (!stop.get()) {
                        pair.run();
                        if (measuring.get()) {
                            n++;
                        }
                    }
                    pairs.add(n);
                } catch (Throwable e) {
                    failure[0] = e;
                } finally {
                    done.countDown();
                }
            }, "pairs-" + t);
            thread.start();
        }
        Thread.sleep(WARMUP_MS);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(MEASURE_MS);
        stop.set(true);
        double seconds = (System.nanoTime() - start) / 1e9;
        done.await();
        if (failure[0] != null) {
            throw new AssertionError(name + " failed", failure[0]);
        }
        System.out.printf("%-55s %,14.0f pairs/s (%d threads)%n", name, pairs.sum() / seconds, THREADS);
    }
}
