package io.github.hpa4j.it.bench.jmh;

import akka.actor.typed.ActorSystem;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.CacheStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.it.bench.BenchAkka;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The mixed-size churn ({@link ChurnSlots}) through hpa4j's synchronous facade, cache on. At tear
 * down it prints the share of allocations whose caller waited on a message.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HpaChurnBench {
    /** Where the trial writes its cache figures, one file per thread count; unset, it writes none. */
    public static final String DIR_PROPERTY = "hpa4j.bench.frontDir";

    @State(Scope.Benchmark)
    public static class Allocator {
        ActorSystem<Void> system;
        Hpa4j hpa4j;
        CacheStats before;

        @Setup(Level.Trial)
        public void start() {
            system = BenchAkka.start("hpa-churn");
            hpa4j = Hpa4j.get(system);
        }

        @Setup(Level.Iteration)
        public void mark() {
            before = hpa4j.cacheStats();
        }

        /* The last (measured) iteration's figures win: written for the suite's driver to read. */
        @TearDown(Level.Iteration)
        public void report(org.openjdk.jmh.infra.BenchmarkParams params) throws java.io.IOException {
            CacheStats after = hpa4j.cacheStats();
            long hits = after.hits() - before.hits();
            long misses = after.misses() - before.misses();
            String dir = System.getProperty(DIR_PROPERTY);
            if (dir != null) {
                java.nio.file.Files.writeString(
                        java.nio.file.Path.of(dir, "churn-" + params.getThreads() + ".txt"),
                        hits + " " + misses + " " + (after.tierHits() - before.tierHits()) + " "
                                + (after.restocks() - before.restocks()));
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            BenchAkka.stop(system, hpa4j);
        }
    }

    @State(Scope.Thread)
    public static class Slots extends ChurnSlots<Allocation> {
        Hpa4j hpa4j;

        @Setup(Level.Trial)
        public void fill(Allocator allocator, ThreadParams thread) {
            hpa4j = allocator.hpa4j;
            fill(thread.getThreadIndex() + 1);
        }

        @Override
        Allocation allocate(int bytes) {
            return hpa4j.allocateNow(bytes);
        }

        @Override
        void free(Allocation block) {
            hpa4j.freeNow(block);
        }

        /* JMH may tear the allocator down first; its stop then reclaims what the slots hold. */
        @TearDown(Level.Trial)
        public void stopChurn() {
            try {
                drain();
            } catch (io.github.hpa4j.core.ShardDisabledException stopped) {
                return;
            }
        }
    }

    @Benchmark
    public long churn(Slots slots) {
        return slots.replace().address();
    }
}
