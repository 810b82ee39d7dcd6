package io.github.hpa4j.it.runner;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Parsing and printing of sizes and durations. Parsing goes through Typesafe Config, so a flag
 * takes exactly what the same key takes in {@code application.conf} ("64KiB", "256 MiB", "500ms",
 * "1m"), except that a bare number of a duration means seconds, as a user typing {@code --duration
 * 30} expects (HOCON would read milliseconds).
 */
final class Units {
    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    private Units() {}

    /** Bytes from "64KiB", "4k", "256MiB" or a plain number of bytes. */
    static long parseBytes(String flag, String text) {
        try {
            return ConfigFactory.parseMap(Map.of("v", text.trim())).getBytes("v");
        } catch (ConfigException e) {
            throw new BadFlagException(flag, "not a size: \"" + text + "\" (e.g. 64KiB, 256MiB, 1GiB)", e);
        }
    }

    /** A duration from "30s", "500ms", "1m", or a plain number of seconds. */
    static Duration parseDuration(String flag, String text) {
        String trimmed = text.trim();
        if (trimmed.matches("\\d+(\\.\\d+)?")) {
            trimmed = trimmed + "s";
        }
        try {
            return ConfigFactory.parseMap(Map.of("v", trimmed)).getDuration("v");
        } catch (ConfigException e) {
            throw new BadFlagException(flag, "not a duration: \"" + text + "\" (e.g. 30s, 500ms, 2m)", e);
        }
    }

    /** Sizes as the user would write them back in a flag: "64KiB", "256MiB", "12345". */
    static String flagBytes(long bytes) {
        if (bytes != 0 && bytes % GIB == 0) {
            return bytes / GIB + "GiB";
        }
        if (bytes != 0 && bytes % MIB == 0) {
            return bytes / MIB + "MiB";
        }
        if (bytes != 0 && bytes % KIB == 0) {
            return bytes / KIB + "KiB";
        }
        return Long.toString(bytes);
    }

    /** "60s", "1.5s", "500ms". */
    static String duration(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}
