package io.github.hpa4j.it.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one memory-quality JVM measured, as named numbers, carried to the driver as one line:
 * {@value #PREFIX} followed by {@code key=value} pairs. Byte figures are process-wide deltas over the
 * reading taken before the workload (heap pre-touched, so the JVM's own growth is small).
 */
public record MemoryResult(String variant, Map<String, Long> values) {
    static final String PREFIX = "HPA4J-MEMORY-RESULT";

    long get(String key) {
        Long value = values.get(key);
        return value == null ? -1 : value;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * Prints this result as the one line the driver reads, then ends the workload's JVM: Akka and
     * Netty leave non-daemon threads behind, and the JVM has nothing else to do.
     */
    public void printAndExit() {
        System.out.println(toLine());
        System.out.flush();
        System.exit(0);
    }

    public String toLine() {
        StringBuilder line = new StringBuilder(PREFIX).append(" variant=").append(variant);
        values.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
        return line.toString();
    }

    static MemoryResult parse(String line) {
        String[] fields = line.substring(PREFIX.length()).trim().split(" ", -1);
        String variant = null;
        Map<String, Long> values = new LinkedHashMap<>();
        for (String field : fields) {
            int eq = field.indexOf('=');
            String key = field.substring(0, eq);
            String value = field.substring(eq + 1);
            if (key.equals("variant")) {
                variant = value;
            } else {
                values.put(key, Long.parseLong(value));
            }
        }
        return new MemoryResult(variant, values);
    }
}
