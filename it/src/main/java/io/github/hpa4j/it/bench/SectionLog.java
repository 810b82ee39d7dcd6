package io.github.hpa4j.it.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Times each section of the suite and reads the load average before and after it: other work on a
 * shared machine slows one section and not another, and the report must say which.
 */
final class SectionLog {
    record Entry(String section, String loadBefore, String loadAfter, Duration elapsed) {}

    private final List<Entry> entries = new ArrayList<>();

    <T> T run(String section, Callable<T> body) throws Exception {
        String before = MachineInfo.loadAverage();
        long start = System.nanoTime();
        T result = body.call();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        entries.add(new Entry(section, before, MachineInfo.loadAverage(), elapsed));
        System.out.printf("benchmarks: %s done in %.1f min%n", section, elapsed.toMillis() / 60000.0);
        return result;
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }
}
