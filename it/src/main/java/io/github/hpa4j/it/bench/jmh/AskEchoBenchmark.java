package io.github.hpa4j.it.bench.jmh;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import io.github.hpa4j.it.bench.BenchAkka;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The floor under the ask facade: two asks to an actor that only answers, i.e. the message pattern of
 * an alloc+free pair (or of a batch: one message each way) with no allocator behind it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AskEchoBenchmark {
    private ActorSystem<Void> system;
    private ActorRef<EchoActor.Ping> echo;

    @Setup
    public void start() {
        system = BenchAkka.start("ask-echo");
        echo = system.systemActorOf(EchoActor.create(), "echo", Props.empty());
    }

    @TearDown
    public void stop() {
        BenchAkka.stop(system, null);
    }

    @Benchmark
    public EchoActor.Pong pair() {
        ask();
        return ask();
    }

    private EchoActor.Pong ask() {
        return AskPattern.<EchoActor.Ping, EchoActor.Pong>ask(
                        echo, EchoActor.Ping::new, BenchAkka.ASK_TIMEOUT, system.scheduler())
                .toCompletableFuture()
                .join();
    }
}
