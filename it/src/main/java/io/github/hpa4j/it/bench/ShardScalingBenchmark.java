package io.github.hpa4j.it.bench;

import akka.actor.typed.ActorSystem;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Alloc+free pairs through the facade ({@code allocateNow} / {@code freeNow}) with a given shard
 * count, the front cache on or off: with it off every call is a message to the calling thread's
 * shard, so this is where shards can scale with threads; with it on most pairs never reach a shard.
 * Run with 1 and 2 JMH threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ShardScalingBenchmark {
    @Param({"16384"})
    public int size;

    @Param({"1", "2"})
    public int shards;

    @Param({"off", "on"})
    public String cache;

    private ActorSystem<Void> system;
    private Hpa4j hpa4j;

    @Setup
    public void start() {
        system = BenchAkka.start("hpa-scaling", "hpa4j.shards = " + shards + "\nhpa4j.cache.enabled = " + cache);
        hpa4j = Hpa4j.get(system);
    }

    @TearDown
    public void stop() {
        BenchAkka.stop(system, hpa4j);
    }

    @Benchmark
    public Allocation pair() {
        Allocation allocation = hpa4j.allocateNow(size);
        hpa4j.freeNow(allocation);
        return allocation;
    }
}
