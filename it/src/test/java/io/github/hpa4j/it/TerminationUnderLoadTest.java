package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hpa4j.it.forked.TerminateUnderLoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ActorSystem.terminate()} while 16 threads allocate, touch and free, 20 times, each in a JVM
 * of its own (half with the front cache, half without): every JVM exits normally (a SIGSEGV would
 * exit 134 or 139), and the threads saw only errors a caller can handle. Across the runs some
 * accesses did meet a closed segment, so the path where a stale view would have reached unmapped
 * memory was taken.
 */
class TerminationUnderLoadTest {
    private static final int RUNS = 20;
    private static final int AT_ONCE = 2;
    private static final Pattern CLOSED = Pattern.compile("closed-segment accesses (\\d+)");

    @Test
    void terminatingTheActorSystemUnderLoadNeverCrashesTheJvm() throws Exception {
        long closedAccesses = 0;
        for (int first = 0; first < RUNS; first += AT_ONCE) {
            List<Process> batch = new ArrayList<>();
            for (int run = first; run < first + AT_ONCE; run++) {
                batch.add(ForkedJvm.start(TerminateUnderLoad.class, run % 2 == 0 ? "cache" : "no-cache"));
            }
            for (int i = 0; i < batch.size(); i++) {
                ForkedJvm.Outcome outcome = ForkedJvm.await(batch.get(i), Duration.ofMinutes(3));
                String last = outcome.output().lines().reduce((a, b) -> b).orElse("");
                System.out.println("run " + (first + i) + ": exit " + outcome.exitCode() + ", " + last);
                assertEquals(
                        0,
                        outcome.exitCode(),
                        "run " + (first + i) + " exited with " + outcome.exitCode() + ":\n" + outcome.output());
                Matcher m = CLOSED.matcher(outcome.output());
                assertTrue(m.find(), outcome.output());
                closedAccesses += Long.parseLong(m.group(1));
            }
        }
        assertTrue(closedAccesses > 0, "no thread ever touched memory after the stop: the test proved nothing");
    }
}
