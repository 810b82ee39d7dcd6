package io.github.hpa4j.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A shell script that starts this JDK's java with jemalloc preloaded and a given MALLOC_CONF, for
 * JMH's {@code jvm} option: JMH sets no environment of its own for a fork, and jemalloc reads its
 * options once, when the process starts.
 */
final class PreloadLauncher {
    private PreloadLauncher() {}

    static Path write(Path dir, JemallocConfig config) throws IOException {
        Path script = dir.resolve("java-jemalloc-" + config.id());
        Files.writeString(
                script,
                "#!/bin/sh\n"
                        + "LD_PRELOAD='" + JemallocLibrary.PATH + "' MALLOC_CONF='" + config.mallocConf() + "' exec '"
                        + BenchmarkSuite.javaExecutable() + "' \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
