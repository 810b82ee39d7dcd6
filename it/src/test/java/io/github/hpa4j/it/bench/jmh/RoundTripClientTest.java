package io.github.hpa4j.it.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.core.Pages;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Both benchmark clients run every round of a request, time each one, and then answer it. */
class RoundTripClientTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final int ROUNDS = 50;

    @Test
    void thePingPongClientTimesEveryRoundAndAnswersTheRequest() throws Exception {
        ActorRef<EchoActor.Ping> echo = testKit.spawn(EchoActor.create());
        assertEveryRoundTimed(testKit.spawn(PingPongClient.create(echo)), 0, 1);
    }

    @Test
    void theShardClientTimesEveryAllocateAndFreeAndAnswersTheRequest() throws Exception {
        Hpa4j hpa4j = Hpa4j.get(testKit.system());
        ActorRef<RoundTripClient.Command> client = testKit.spawn(ShardClient.create(hpa4j.shard(0)));
        assertEveryRoundTimed(client, Pages.PAGE, 1);
        assertEveryRoundTimed(client, Pages.PAGE, 8);
    }

    private static void assertEveryRoundTimed(ActorRef<RoundTripClient.Command> client, long bytes, int count)
            throws Exception {
        Histogram latencies = new Histogram(3);
        RoundTrips request = new RoundTrips(bytes, count, ROUNDS, latencies, new CompletableFuture<>());
        client.tell(new RoundTripClient.Start(request));
        request.done().get(10, TimeUnit.SECONDS);
        assertEquals(ROUNDS, latencies.getTotalCount(), "one latency per round");
    }
}
