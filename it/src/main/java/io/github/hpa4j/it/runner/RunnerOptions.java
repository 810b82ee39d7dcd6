package io.github.hpa4j.it.runner;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import io.github.hpa4j.actors.Hpa4jConfigException;
import io.github.hpa4j.actors.Hpa4jSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workload runner's command line, parsed and validated in one place: every problem is a
 * {@link BadFlagException} naming the flag, before any memory is mapped.
 *
 * @param help          {@code --help} was given: print {@link #usage()} and do nothing else
 * @param duration      total run time, all phases included
 * @param clients       client threads
 * @param workingSet    live bytes to grow to and churn around, split evenly between clients
 * @param longLived     the fraction of the working set allocated first and kept until the free phase
 * @param minSize       the smallest request, bytes
 * @param maxSize       the largest request, bytes
 * @param freeFraction  the fraction of live allocations the free phase frees
 * @param idle          the idle phase's length
 * @param fill          what is written and verified
 * @param seed          the random seed
 * @param outDir        where the report and chart go
 * @param overrides     {@code hpa4j.*} settings given on the command line, in order
 * @param config        the configuration the actor system starts with (overrides over
 *                      {@code ConfigFactory.load()})
 * @param settings      the allocator's settings as read from {@code config}
 */
public record RunnerOptions(
        boolean help,
        Duration duration,
        int clients,
        long workingSet,
        double longLived,
        long minSize,
        long maxSize,
        double freeFraction,
        Duration idle,
        FillMode fill,
        long seed,
        Path outDir,
        Map<String, String> overrides,
        Config config,
        Hpa4jSettings settings) {

    static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);
    static final int DEFAULT_CLIENTS = 4;
    static final long DEFAULT_WORKING_SET = 256L << 20;
    static final double DEFAULT_LONG_LIVED = 0.5;
    static final long DEFAULT_MIN_SIZE = 4L << 10;
    static final long DEFAULT_MAX_SIZE = 64L << 10;
    static final double DEFAULT_FREE_FRACTION = 0.9;
    /** Added to min-purge-interval for the default idle phase: time for the purge jobs to finish. */
    static final Duration IDLE_MARGIN = Duration.ofSeconds(3);

    static final String DEFAULT_OUT = "reports";

    public RunnerOptions {
        overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    /** Parses {@code args}; throws {@link BadFlagException} naming the first bad flag. */
    public static RunnerOptions parse(String... args) {
        Builder builder = new Builder();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.isBlank()) {
                continue; // an empty -Drun.args expands to nothing, or to a blank word
            }
            if (arg.startsWith("-D") && arg.length() > 2) {
                builder.set("-D", arg.substring(2));
                continue;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            Flag flag = Flag.named(name);
            if (flag == null) {
                throw new BadFlagException(
                        name,
                        arg.startsWith("-")
                                ? "unknown flag (--help lists the flags)"
                                : "unexpected argument; every value follows its flag (--help lists the flags)");
            }
            if (flag.argName() == null) {
                if (value != null) {
                    throw new BadFlagException(name, "takes no value");
                }
                flag.apply(builder, null);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new BadFlagException(name, "needs a value: " + name + " " + flag.argName());
                }
                value = args[++i];
            }
            flag.apply(builder, value);
        }
        return builder.build();
    }

    /** The --help text: every flag, its default, and the hpa4j settings with theirs. */
    public static String usage() {
        StringBuilder s = new StringBuilder();
        s.append("""
                hpa4j workload runner: starts an actor system with hpa4j and runs a workload in phases:
                  grow   allocate until the working set is live
                  churn  free random allocations and allocate new ones of random sizes
                  free   free most of the working set
                  idle   wait at least one purge interval, so purged memory goes back to the OS
                Every allocation is written after allocate and verified before free. One progress line
                per second; at the end a report (text) and a timeline (PNG) in the output directory.

                Usage: WorkloadRunner [flags]
                  through Maven: mvn -B -q -pl it -am verify -DskipTests -Prun -Drun.args="FLAGS"

                Flags (--flag VALUE or --flag=VALUE):
                """);
        for (Flag flag : Flag.values()) {
            String left = "  " + flag.flagName() + (flag.argName() == null ? "" : " " + flag.argName());
            List<String> lines = wrap(flag.help(), 66);
            s.append(String.format(Locale.ROOT, "%-27s %s%n", left, lines.get(0)));
            for (String line : lines.subList(1, lines.size())) {
                s.append(String.format(Locale.ROOT, "%-27s %s%n", "", line));
            }
        }
        s.append("\nSizes: 4096, 64KiB, 256MiB, 1GiB. Durations: 30s, 500ms, 2m (a bare number means seconds).\n");
        s.append("\nhpa4j settings for --set / -D (defaults from reference.conf; see it for what each does):\n");
        for (Map.Entry<String, String> e : referenceSettings().entrySet()) {
            s.append(String.format(Locale.ROOT, "  %-66s %s%n", e.getKey(), e.getValue()));
        }
        return s.toString();
    }

    /** Every hpa4j.* key of the reference configuration, with its default, sorted. */
    static Map<String, String> referenceSettings() {
        Map<String, String> keys = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e :
                ConfigFactory.defaultReference().getConfig(Hpa4jSettings.ROOT).entrySet()) {
            keys.put(
                    Hpa4jSettings.ROOT + "." + e.getKey(),
                    String.valueOf(e.getValue().unwrapped()));
        }
        return keys;
    }

    /** How a flag reads its value; {@code flag} is the flag's name, for the errors it names. */
    @FunctionalInterface
    interface Setter {
        void set(Builder builder, String flag, String value);
    }

    /** The flags, in the order --help lists them. */
    enum Flag {
        DURATION(
                "--duration",
                "DURATION",
                "Total run time, all phases included; churn gets what grow and idle leave." + " Default "
                        + Units.duration(DEFAULT_DURATION) + ".",
                (b, f, v) -> b.duration = positive(f, Units.parseDuration(f, v))),
        CLIENTS(
                "--clients",
                "N",
                "Client threads, each allocating, writing, verifying and freeing its own share"
                        + " of the working set through the CompletionStage facade. Default " + DEFAULT_CLIENTS + ".",
                (b, f, v) -> b.clients = intIn(f, v, 1, 1024)),
        WORKING_SET(
                "--working-set",
                "SIZE",
                "Live bytes to grow to and churn around. Default " + Units.flagBytes(DEFAULT_WORKING_SET) + ".",
                (b, f, v) -> b.workingSet = Units.parseBytes(f, v)),
        LONG_LIVED(
                "--long-lived",
                "F",
                "Fraction of the working set allocated first and kept through churn"
                        + " (long-lived data, on slabs that stay dense and get hugified); churn replaces only the rest."
                        + " 0..1 or a percentage. Default " + DEFAULT_LONG_LIVED + ".",
                (b, f, v) -> b.longLived = fraction(f, v)),
        MIN_SIZE(
                "--min-size",
                "SIZE",
                "Smallest request; sizes are uniform between min and max (hpa4j rounds"
                        + " each up to whole 4 KiB pages). Default " + Units.flagBytes(DEFAULT_MIN_SIZE) + ".",
                (b, f, v) -> b.minSize = Units.parseBytes(f, v)),
        MAX_SIZE(
                "--max-size",
                "SIZE",
                "Largest request, at most hpa4j.slab-max-alloc. Default " + Units.flagBytes(DEFAULT_MAX_SIZE) + ".",
                (b, f, v) -> b.maxSize = Units.parseBytes(f, v)),
        FREE_FRACTION(
                "--free-fraction",
                "F",
                "Fraction of live allocations the free phase frees: 0..1 or a" + " percentage. Default "
                        + DEFAULT_FREE_FRACTION + ".",
                (b, f, v) -> b.freeFraction = fraction(f, v)),
        IDLE(
                "--idle",
                "DURATION",
                "Length of the idle phase. Default hpa4j.min-purge-interval + " + Units.duration(IDLE_MARGIN)
                        + ", so that a purge pass runs in it.",
                (b, f, v) -> b.idle = Units.parseDuration(f, v)),
        SHARDS(
                "--shards",
                "N",
                "Shard actors (hpa4j.shards); 0 = one per processor. Default 0.",
                (b, f, v) -> b.put("hpa4j.shards", String.valueOf(intIn(f, v, 0, 4096)), f)),
        HUGIFY_STYLE(
                "--hugify-style",
                "STYLE",
                "advise, collapse, eager or none (hpa4j.hugify-style)." + " Default collapse.",
                (b, f, v) -> b.put("hpa4j.hugify-style", v, f)),
        SET(
                "--set",
                "KEY=VALUE",
                "Any hpa4j.* setting, e.g. --set hpa4j.dirty-mult=10%; repeatable."
                        + " -Dhpa4j.KEY=VALUE among the flags, or on the java command line, does the same.",
                (b, f, v) -> b.set(f, v)),
        FILL(
                "--fill",
                "MODE",
                "words: the first and last 8 bytes of every page; full: every byte."
                        + " Written after allocate, verified before free. Default words.",
                (b, f, v) -> b.fill = fillMode(v)),
        SEED(
                "--seed",
                "N",
                "Random seed for sizes, victims and patterns. Default: a new one, printed in"
                        + " the report, so that a run can be repeated.",
                (b, f, v) -> b.seed = longOf(f, v)),
        OUT(
                "--out",
                "DIR",
                "Directory for workload-<timestamp>.txt and .png, created if missing. Default " + DEFAULT_OUT
                        + " (relative to the repository root when run through Maven).",
                (b, f, v) -> b.outDir = pathOf(v)),
        HELP("--help", null, "Print this help and exit (also -h).", (b, f, v) -> b.help = true);

        private final String flagName;
        private final String argName;
        private final String help;
        // Each setter is a lambda that captures nothing: the enum stays immutable.
        @SuppressWarnings("ImmutableEnumChecker")
        private final Setter setter;

        Flag(String flagName, String argName, String help, Setter setter) {
            this.flagName = flagName;
            this.argName = argName;
            this.help = help;
            this.setter = setter;
        }

        String flagName() {
            return flagName;
        }

        /** The value's placeholder in --help, or null for a flag without value. */
        String argName() {
            return argName;
        }

        String help() {
            return help;
        }

        /** Reads {@code value} (null for a flag without value) into {@code builder}. */
        void apply(Builder builder, String value) {
            setter.set(builder, flagName, value);
        }

        static Flag named(String name) {
            if (name.equals("-h")) {
                return HELP;
            }
            for (Flag flag : values()) {
                if (flag.flagName.equals(name)) {
                    return flag;
                }
            }
            return null;
        }
    }

    /** Collects flag values; {@link #build()} checks them against each other and the settings. */
    static final class Builder {
        boolean help;
        Duration duration = DEFAULT_DURATION;
        int clients = DEFAULT_CLIENTS;
        long workingSet = DEFAULT_WORKING_SET;
        double longLived = DEFAULT_LONG_LIVED;
        long minSize = DEFAULT_MIN_SIZE;
        long maxSize = DEFAULT_MAX_SIZE;
        double freeFraction = DEFAULT_FREE_FRACTION;
        Duration idle; // null: derived from min-purge-interval
        FillMode fill = FillMode.WORDS;
        Long seed;
        Path outDir = Path.of(DEFAULT_OUT);
        final Map<String, String> overrides = new LinkedHashMap<>();
        /** For each overridden key, the flag that set it last: errors name what the user typed. */
        final Map<String, String> sources = new LinkedHashMap<>();

        /** {@code hpa4j.KEY=VALUE} (or {@code KEY=VALUE}, read as under hpa4j) from --set or -D. */
        void set(String flag, String assignment) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new BadFlagException(flag, "expected hpa4j.KEY=VALUE, got \"" + assignment + "\"");
            }
            String key = assignment.substring(0, eq).trim();
            String value = assignment.substring(eq + 1).trim();
            Config reference = ConfigFactory.defaultReference();
            try {
                ConfigFactory.parseMap(Map.of(key, value)); // a malformed path fails here, by name
            } catch (ConfigException e) {
                throw new BadFlagException(flag + " " + key, "not a setting name: " + e.getMessage(), e);
            }
            if (!key.startsWith(Hpa4jSettings.ROOT + ".")) {
                // "--set dirty-mult=10%" is short for hpa4j.dirty-mult; anything else is not ours.
                if (!reference.hasPathOrNull(Hpa4jSettings.ROOT + "." + key)) {
                    throw new BadFlagException(flag + " " + key, "only hpa4j.* settings can be set here");
                }
                key = Hpa4jSettings.ROOT + "." + key;
            }
            if (!reference.hasPathOrNull(key)) {
                throw new BadFlagException(
                        flag + " " + key,
                        "no such setting; the settings are:\n  "
                                + String.join("\n  ", referenceSettings().keySet()));
            }
            put(key, value, flag + " " + key);
        }

        void put(String key, String value, String source) {
            overrides.remove(key); // keep the order of the last assignment
            overrides.put(key, value);
            sources.put(key, source);
        }

        RunnerOptions build() {
            Config config = resolve();
            Hpa4jSettings settings;
            try {
                settings = Hpa4jSettings.fromConfig(config);
            } catch (Hpa4jConfigException e) {
                String flag = sources.getOrDefault(e.key(), "-D" + e.key() + " or application.conf");
                throw new BadFlagException(flag, e.getMessage(), e);
            }
            if (minSize < 1) {
                throw new BadFlagException("--min-size", "must be at least 1 byte, got " + minSize);
            }
            if (maxSize < minSize) {
                throw new BadFlagException(
                        "--max-size",
                        "must be at least --min-size (" + Units.flagBytes(minSize) + "), got "
                                + Units.flagBytes(maxSize));
            }
            long slabMaxAlloc = settings.shardOptions().slabMaxAlloc();
            if (maxSize > slabMaxAlloc) {
                throw new BadFlagException(
                        "--max-size",
                        "must be at most hpa4j.slab-max-alloc ("
                                + Units.flagBytes(slabMaxAlloc) + "), got " + Units.flagBytes(maxSize)
                                + "; raise it with --set hpa4j.slab-max-alloc=" + Units.flagBytes(maxSize));
            }
            if (workingSet / clients < maxSize) {
                throw new BadFlagException(
                        "--working-set",
                        "each of the " + clients + " clients needs room for"
                                + " at least one --max-size allocation (" + Units.flagBytes(maxSize) + "), got "
                                + Units.flagBytes(workingSet) + " in all");
            }
            Duration resolvedIdle = idle != null
                    ? idle
                    : Duration.ofMillis(settings.shardOptions().minPurgeIntervalMs())
                            .plus(IDLE_MARGIN);
            if (resolvedIdle.isNegative()) {
                throw new BadFlagException("--idle", "must not be negative");
            }
            long resolvedSeed = seed != null ? seed : System.nanoTime() ^ 0x5DEECE66DL;
            return new RunnerOptions(
                    help,
                    duration,
                    clients,
                    workingSet,
                    longLived,
                    minSize,
                    maxSize,
                    freeFraction,
                    resolvedIdle,
                    fill,
                    resolvedSeed,
                    outDir,
                    overrides,
                    config,
                    settings);
        }

        private Config resolve() {
            try {
                return ConfigFactory.parseMap(overrides, "command line")
                        .withFallback(ConfigFactory.load())
                        .resolve();
            } catch (ConfigException e) {
                String flags = sources.isEmpty() ? "application.conf or -D" : String.join(", ", sources.values());
                throw new BadFlagException(flags, e.getMessage(), e);
            }
        }
    }

    // ------------------------------------------------------------------ value parsers

    private static Duration positive(String flag, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new BadFlagException(flag, "must be positive, got " + Units.duration(d));
        }
        return d;
    }

    private static int intIn(String flag, String text, int min, int max) {
        long value = longOf(flag, text);
        if (value < min || value > max) {
            throw new BadFlagException(flag, "must be in " + min + ".." + max + ", got " + value);
        }
        return (int) value;
    }

    private static long longOf(String flag, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new BadFlagException(flag, "not a whole number: \"" + text + "\"", e);
        }
    }

    private static double fraction(String flag, String text) {
        String t = text.trim();
        double value;
        try {
            value = t.endsWith("%")
                    ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100
                    : Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new BadFlagException(flag, "not a fraction: \"" + text + "\" (e.g. 0.9 or 90%)", e);
        }
        if (!(value >= 0 && value <= 1)) {
            throw new BadFlagException(flag, "must be in 0..1 (0%..100%), got " + text);
        }
        return value;
    }

    private static FillMode fillMode(String text) {
        try {
            return FillMode.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadFlagException("--fill", "must be words or full, got \"" + text + "\"", e);
        }
    }

    private static Path pathOf(String text) {
        if (text.isBlank()) {
            throw new BadFlagException("--out", "must not be empty");
        }
        return Path.of(text);
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ", -1)) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
