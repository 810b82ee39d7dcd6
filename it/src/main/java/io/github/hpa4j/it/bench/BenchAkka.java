package io.github.hpa4j.it.bench;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.hpa4j.actors.Hpa4j;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/** Actor systems for the benchmarks: quiet, default dispatchers, hpa4j's reference settings unless overridden. */
public final class BenchAkka {
    /** Long enough never to fire in a healthy run; a timeout here means the benchmark is broken. */
    public static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

    private BenchAkka() {}

    public static ActorSystem<Void> start(String name, String hpa4jOverrides) {
        // Logging starts on this thread before Akka's threads log: SLF4J then has nothing to replay
        // (it would print a notice into every forked benchmark JVM's output).
        LoggerFactory.getILoggerFactory();
        Config config = ConfigFactory.parseString("""
                akka.loglevel = WARNING
                akka.stdout-loglevel = WARNING
                akka.log-dead-letters = off
                akka.log-dead-letters-during-shutdown = off
                """ + hpa4jOverrides).withFallback(ConfigFactory.load());
        return ActorSystem.create(Behaviors.empty(), name, config);
    }

    public static ActorSystem<Void> start(String name) {
        return start(name, "");
    }

    /** Stops hpa4j first (it unmaps its slabs), then the system, and waits for both. */
    public static void stop(ActorSystem<Void> system, Hpa4j hpa4j) {
        if (hpa4j != null) {
            hpa4j.stop().toCompletableFuture().join();
        }
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }
}
