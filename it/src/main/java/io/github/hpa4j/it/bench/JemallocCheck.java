package io.github.hpa4j.it.bench;

import java.util.Map;

/**
 * Started with jemalloc preloaded in one {@link JemallocConfig}: checks that the configuration is in
 * effect and prints which library {@code malloc} resolved in, for the report. Fails (exit code 1)
 * when it is not.
 */
public final class JemallocCheck {
    private JemallocCheck() {}

    public static void main(String[] args) {
        JemallocConfig config = JemallocConfig.byId(args[0]);
        JemallocLibrary library = JemallocLibrary.load();
        config.verify(library);
        System.out.println(library.describe());
        System.out.println(new MemoryResult("jemalloc:" + config.id(), Map.of("verified", 1L)).toLine());
    }
}
