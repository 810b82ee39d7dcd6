package io.github.hpa4j.it.bench.jmh;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import io.github.hpa4j.it.bench.BenchAkka;
import io.github.hpa4j.it.bench.Shapes;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The floor under the actor client: the same loop as {@link HpaActorClientBenchmark} (two round
 * trips per operation, timed inside the actor) against an echo actor. Each JMH thread has its own
 * client and its own echo, as each has its own shard there.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PingPongBenchmark extends ActorLoopState {

    @State(Scope.Benchmark)
    public static class Actors {
        ActorSystem<Void> system;

        @Setup
        public void start() {
            system = BenchAkka.start("ping-pong");
        }

        @TearDown
        public void stop() {
            BenchAkka.stop(system, null);
        }
    }

    private ActorRef<RoundTripClient.Command> client;

    @Setup
    public void start(Actors actors, ThreadParams thread, BenchmarkParams params) {
        bind(params, thread);
        ActorRef<EchoActor.Ping> echo =
                actors.system.systemActorOf(EchoActor.create(), "echo-" + threadIndex, Props.empty());
        client = actors.system.systemActorOf(PingPongClient.create(echo), "client-" + threadIndex, Props.empty());
    }

    @Benchmark
    @OperationsPerInvocation(Shapes.LOOP_PAIRS)
    public void pair() {
        RoundTrips request = request(0, 1, Shapes.LOOP_PAIRS);
        client.tell(new RoundTripClient.Start(request));
        request.done().join();
    }
}
