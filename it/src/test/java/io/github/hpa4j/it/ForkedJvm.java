package io.github.hpa4j.it;

import io.github.hpa4j.it.forked.LoggingFirst;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a JVM of its own, with this JVM's java, classpath and the flags hpa4j needs,
 * for what must not be tried in the test JVM: a crash would take the whole suite with it.
 */
final class ForkedJvm {
    private ForkedJvm() {}

    /** What a forked JVM did: its exit code (134 or 139 for a crash) and everything it printed. */
    record Outcome(int exitCode, String output) {
        boolean printed(String marker) {
            return output.contains(marker);
        }
    }

    static Process start(Class<?> main, String... args) throws IOException {
        return start(List.of("--enable-native-access=ALL-UNNAMED"), main, args);
    }

    /** As {@link #start(Class, String...)} with {@code flags} in place of the native-access flag. */
    static Process start(List<String> flags, Class<?> main, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "--sun-misc-unsafe-memory-access=allow"));
        command.addAll(flags);
        command.addAll(
                List.of("-cp", System.getProperty("java.class.path"), LoggingFirst.class.getName(), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    static Outcome await(Process process, Duration limit) throws IOException, InterruptedException {
        byte[] output = process.getInputStream().readAllBytes(); // until the JVM exits and closes it
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("forked JVM still running after " + limit);
        }
        return new Outcome(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
