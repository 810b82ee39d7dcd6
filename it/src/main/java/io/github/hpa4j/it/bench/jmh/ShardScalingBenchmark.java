package io.github.hpa4j.it.bench.jmh;

import io.github.hpa4j.actors.Allocation;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Alloc+free pairs through the facade ({@code allocateNow} / {@code freeNow}) with a given shard
 * count, the front cache on or off: with it off every call is a message to the calling thread's
 * shard, so this is where shards can scale with threads; with it on most pairs never reach a shard.
 * Run with 1 and 2 JMH threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ShardScalingBenchmark extends Hpa4jTrial {
    @Param({"16384"})
    public int size;

    @Param({"1", "2"})
    public int shards;

    @Param({"off", "on"})
    public String cache;

    @Setup
    public void start() {
        startHpa4j("hpa-scaling", "hpa4j.shards = " + shards + "\nhpa4j.cache.enabled = " + cache);
    }

    @Benchmark
    public Allocation pair() {
        return nowPair(size);
    }
}
