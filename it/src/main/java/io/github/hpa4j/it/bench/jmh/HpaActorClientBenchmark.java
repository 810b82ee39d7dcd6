package io.github.hpa4j.it.bench.jmh;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.it.bench.BenchAkka;
import io.github.hpa4j.it.bench.LatencyLog;
import io.github.hpa4j.it.bench.Shapes;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * hpa4j from an actor client: Allocate/Free with replyTo, one operation after the other, timed per
 * operation inside the actor (see {@link LatencyLog}). Each JMH thread drives its own client, which
 * talks to its own shard (thread index modulo shards), so two threads use both shards.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HpaActorClientBenchmark extends ActorLoopState {

    /** One actor system and allocator for all JMH threads of the trial. */
    @State(Scope.Benchmark)
    public static class Allocator {
        ActorSystem<Void> system;
        Hpa4j hpa4j;

        @Setup
        public void start() {
            system = BenchAkka.start("hpa-actor");
            hpa4j = Hpa4j.get(system);
        }

        @TearDown
        public void stop() {
            BenchAkka.stop(system, hpa4j);
        }
    }

    @Param({"4096", "16384", "65536"})
    public int size;

    private ActorRef<RoundTripClient.Command> client;

    @Setup
    public void start(Allocator allocator, ThreadParams thread, BenchmarkParams params) {
        bind(params, thread);
        Hpa4j hpa4j = allocator.hpa4j;
        client = allocator.system.systemActorOf(
                ShardClient.create(hpa4j.shard(threadIndex % hpa4j.shardCount())),
                "client-" + threadIndex,
                Props.empty());
    }

    @Benchmark
    @OperationsPerInvocation(Shapes.LOOP_PAIRS)
    public void pair() {
        run(1, Shapes.LOOP_PAIRS);
    }

    @Benchmark
    @OperationsPerInvocation(Shapes.LOOP_BATCHES)
    public void batch() {
        run(Shapes.BATCH, Shapes.LOOP_BATCHES);
    }

    private void run(int count, int rounds) {
        RoundTrips request = request(size, count, rounds);
        client.tell(new RoundTripClient.Start(request));
        request.done().join();
    }
}
