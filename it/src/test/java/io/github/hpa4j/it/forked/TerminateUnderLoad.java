package io.github.hpa4j.it.forked;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.AllocatorException;
import io.github.hpa4j.core.Pages;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Terminates the actor system while 16 threads allocate, write, read and free, each keeping a few
 * allocations live and touching them. Every failure a thread sees must be one a caller can handle
 * (IllegalStateException from a closed segment, hpa4j's typed errors, a timed-out call); anything
 * else is counted as a failure. Exits 0 when the JVM survived and nothing unexpected was seen.
 */
public final class TerminateUnderLoad {
    private static final int THREADS = 16;

    public static void main(String[] args) throws Exception {
        boolean cache = args.length > 0 && args[0].equals("cache");
        ActorSystem<Void> system = ActorSystem.create(
                Behaviors.empty(),
                "terminate-under-load",
                ConfigFactory.parseString(
                                "hpa4j.cache.enabled = " + (cache ? "on" : "off") + "\nhpa4j.ask-timeout = 2s")
                        .withFallback(ConfigFactory.load()));
        Hpa4j hpa4j = Hpa4j.get(system);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong operations = new AtomicLong();
        AtomicLong closedAccesses = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        AtomicLong unexpected = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = 0x7E44L + t;
            Thread thread = new Thread(
                    () -> work(hpa4j, seed, done, operations, closedAccesses, refusals, unexpected), "load-" + t);
            thread.start();
            threads.add(thread);
        }
        while (operations.get() < 20_000) {
            LockSupport.parkNanos(1_000_000);
        }
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        // Go on touching for a moment after the termination, then stop the threads.
        long after = operations.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        done.set(true);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        System.out.println("operations " + operations.get() + " (" + (operations.get() - after)
                + " after termination), closed-segment accesses " + closedAccesses.get() + ", typed refusals "
                + refusals.get() + ", unexpected " + unexpected.get());
        System.exit(unexpected.get() == 0 ? 0 : 1);
    }

    private static void work(
            Hpa4j hpa4j,
            long seed,
            AtomicBoolean done,
            AtomicLong operations,
            AtomicLong closedAccesses,
            AtomicLong refusals,
            AtomicLong unexpected) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Allocation> held = new ArrayList<>();
        while (!done.get()) {
            try {
                if (held.size() < 8 && random.nextBoolean()) {
                    Allocation a = hpa4j.allocateNow((1 + random.nextInt(16)) * Pages.PAGE);
                    held.add(a);
                    touch(a.segment(), seed);
                } else if (!held.isEmpty()) {
                    Allocation a = held.remove(random.nextInt(held.size()));
                    touch(a.segment(), seed);
                    hpa4j.freeNow(a);
                }
                if (!held.isEmpty()) {
                    touch(held.get(random.nextInt(held.size())).segment(), seed);
                }
                operations.incrementAndGet();
            } catch (IllegalStateException closed) {
                closedAccesses.incrementAndGet();
                held.clear(); // its scope is closed: nothing more to do with them
            } catch (AllocatorException | CompletionException refused) {
                refusals.incrementAndGet();
            } catch (Throwable other) {
                unexpected.incrementAndGet();
                other.printStackTrace();
            }
        }
    }

    private static void touch(MemorySegment segment, long value) {
        long last = segment.byteSize() - 8;
        segment.set(ValueLayout.JAVA_LONG, 0, value);
        segment.set(ValueLayout.JAVA_LONG, last, value);
        if (segment.get(ValueLayout.JAVA_LONG, 0) != value || segment.get(ValueLayout.JAVA_LONG, last) != value) {
            throw new AssertionError("lost a write at " + segment);
        }
    }
}
