package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hpa4j.it.forked.AccessAfterStop;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every segment is bound to its allocator's scope, which closes before anything is unmapped: after
 * {@code stop()}, reads and writes through a segment, a slice or a ByteBuffer view throw
 * {@link IllegalStateException} instead of crashing the JVM, and a second allocator (which may map
 * the same addresses) sees no stale write and refuses the stale handle. Run in a forked JVM, since a
 * failure here would be a crash.
 */
class AccessAfterStopTest {

    @ParameterizedTest(name = "cache {0}")
    @ValueSource(strings = {"cache", "no-cache"})
    void accessAfterStopThrowsAndTheJvmExitsNormally(String cache) throws Exception {
        ForkedJvm.Outcome outcome =
                ForkedJvm.await(ForkedJvm.start(AccessAfterStop.class, cache), Duration.ofMinutes(2));
        System.out.println(outcome.output());
        assertEquals(
                0, outcome.exitCode(), "the forked JVM exited with " + outcome.exitCode() + ":\n" + outcome.output());
        assertTrue(outcome.printed("ALL CHECKS HELD"), outcome.output());
    }
}
