package io.github.hpa4j.it.bench.jmh;

import akka.actor.typed.ActorSystem;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.it.bench.BenchAkka;
import io.github.hpa4j.it.bench.Shapes;
import java.util.List;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The trial-scoped hpa4j that the facade benchmarks share: a subclass starts it in its own
 * {@code @Setup} with its settings, and JMH stops it here at the trial's end. The operations are the
 * ones several benchmarks time, so that each is written, and measured, one way.
 */
@State(Scope.Benchmark)
public abstract class Hpa4jTrial {
    ActorSystem<Void> system;
    Hpa4j hpa4j;

    /** Starts an actor system named {@code name} whose hpa4j has {@code overrides} (HOCON) on reference.conf. */
    final void startHpa4j(String name, String overrides) {
        system = BenchAkka.start(name, overrides);
        hpa4j = Hpa4j.get(system);
    }

    @TearDown
    public void stop() {
        BenchAkka.stop(system, hpa4j);
    }

    /** allocateNow + freeNow: the synchronous facade, served by the front cache when it is on. */
    final Allocation nowPair(int size) {
        Allocation allocation = hpa4j.allocateNow(size);
        hpa4j.freeNow(allocation);
        return allocation;
    }

    /** allocateBatch of {@link Shapes#BATCH} + freeBatch, each waited for. */
    final List<Allocation> batchPair(int size) {
        List<Allocation> allocations =
                hpa4j.allocateBatch(size, Shapes.BATCH).toCompletableFuture().join();
        hpa4j.freeBatch(allocations).toCompletableFuture().join();
        return allocations;
    }
}
