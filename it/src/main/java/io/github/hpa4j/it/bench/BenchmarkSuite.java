package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.workload.IdleFootprintWorkload;
import io.github.hpa4j.it.bench.workload.MemoryTimeline;
import io.github.hpa4j.it.bench.workload.PageWorkLatencyWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the whole benchmark set and writes the report: the JMH speed suite, then one JVM per allocator
 * for memory quality. {@code --out FILE} (default docs/BENCHMARKS.md), {@code --smoke} for the
 * CI-sized run. Started by the {@code bench} profile of the it module (see {@link BenchmarkReport#COMMAND}).
 */
public final class BenchmarkSuite {
    /** What every benchmark JVM needs: FFM and Unsafe for hpa4j and Akka, a quiet log, Netty's pool as deployed. */
    static final List<String> COMMON_JVM_ARGS = List.of(
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-Dlogback.configurationFile=hpa4j-bench-logback.xml",
            "-Dio.netty.leakDetection.level=disabled");

    /** JMH forks: the common flags and a fixed heap (also the direct-memory limit for allocateDirect). */
    static final List<String> FORK_JVM_ARGS = Stream.concat(COMMON_JVM_ARGS.stream(), Stream.of("-Xms1g", "-Xmx1g"))
            .toList();

    private BenchmarkSuite() {}

    public static void main(String[] args) throws Exception {
        // The driver logs through logback too (ProcessBuilder's System.Logger); without this, DEBUG.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "hpa4j-bench-logback.xml");
        }
        Path out = Path.of("docs/BENCHMARKS.md");
        boolean smoke = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--smoke" -> smoke = true;
                default ->
                    throw new IllegalArgumentException("usage: BenchmarkSuite [--out FILE] [--smoke]; got " + args[i]);
            }
        }
        run(smoke ? SuiteOptions.SMOKE : SuiteOptions.FULL, out);
    }

    /** Runs the suite and writes the report to {@code out} (and its pictures beside it). */
    public static void run(SuiteOptions options, Path out) throws Exception {
        // The pictures need no display; must be set before the first AWT graphics class loads.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        if (options.smoke()) {
            // JMH refuses to start while another JMH run holds /tmp/jmh.lock, which is right for
            // measurements; a smoke run's numbers mean nothing, and on a machine shared by several
            // builds the lock would fail it at random.
            System.setProperty("jmh.ignoreLock", "true");
        }
        long start = System.nanoTime();
        String loadBefore = MachineInfo.loadAverage();
        Path scratch = Files.createTempDirectory("hpa4j-bench");
        try {
            SectionLog sections = new SectionLog();
            List<SpeedRow> speed =
                    new ArrayList<>(sections.run("speed (JMH)", () -> SpeedSuite.run(options, FORK_JVM_ARGS, scratch)));
            Map<String, String> jemallocRuns = checkJemalloc();
            if (JemallocLibrary.installed()) {
                speed.addAll(sections.run(
                        "jemalloc speed (JMH)",
                        () -> SpeedSuite.runJemalloc(options, FORK_JVM_ARGS, scratch, scratch)));
            }
            FrontSuite.Results front =
                    sections.run("front: churn and heap (JMH)", () -> FrontSuite.run(options, FORK_JVM_ARGS, scratch));
            List<ScalingRow> scaling =
                    sections.run("scaling (JMH)", () -> SpeedSuite.runScaling(options, FORK_JVM_ARGS, scratch));
            List<MemoryResult> memory =
                    sections.run("memory quality", () -> MemorySuite.run(options, COMMON_JVM_ARGS, scratch));
            List<MemoryTimeline> timelines = memory.stream()
                    .filter(r -> !IdleFootprintWorkload.VARIANTS.contains(r.variant()))
                    .map(r -> MemoryTimeline.read(scratch, r.variant()))
                    .toList();
            MemoryResult pageWork = sections.run(
                    "latency under page work",
                    () -> ChildJvm.run(
                            "page-work",
                            Stream.concat(COMMON_JVM_ARGS.stream(), Stream.of("-Xms256m", "-Xmx256m"))
                                    .toList(),
                            Map.of(),
                            PageWorkLatencyWorkload.class,
                            List.of(
                                    Long.toString(options.pageWorkLatency().phaseMillis()),
                                    Long.toString(options.pageWorkLatency().workingSetBytes())),
                            Duration.ofMinutes(3)));
            List<MemoryResult> randomAccess =
                    sections.run("random access", () -> RandomAccessSuite.run(options, COMMON_JVM_ARGS));
            List<MemoryResult> mixed = sections.run("mixed sizes", () -> MixedSizesSuite.run(options, COMMON_JVM_ARGS));
            List<SpeedRow> everySize = sections.run(
                    "small and large pairs (JMH)", () -> SpeedSuite.runEverySize(options, FORK_JVM_ARGS, scratch));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            String load = loadBefore + " at the start, " + MachineInfo.loadAverage() + " at the end";
            SuiteResults results = new SuiteResults(
                    speed,
                    jemallocRuns,
                    scaling,
                    memory,
                    timelines,
                    pageWork,
                    randomAccess,
                    mixed,
                    everySize,
                    front,
                    sections.entries());
            BenchmarkReport.write(out, options, MachineInfo.detect(), load, elapsed, FORK_JVM_ARGS, results);
            System.out.printf(
                    "benchmarks: wrote %s in %.1f min%n",
                    out.toAbsolutePath().normalize(), elapsed.toMillis() / 60000.0);
        } finally {
            deleteTree(scratch);
        }
    }

    /** Per jemalloc configuration: which library a JVM started with it called, or why none ran. */
    private static Map<String, String> checkJemalloc() {
        Map<String, String> runs = new LinkedHashMap<>();
        for (JemallocConfig config : JemallocConfig.ALL) {
            if (!JemallocLibrary.installed()) {
                runs.put(config.id(), "not installed (`" + JemallocLibrary.INSTALL_HINT + "`)");
                continue;
            }
            ChildJvm.run(
                    "jemalloc:" + config.id(),
                    COMMON_JVM_ARGS,
                    config.environment(),
                    JemallocCheck.class,
                    List.of(config.id()),
                    Duration.ofMinutes(1));
            runs.put(config.id(), String.join(" ", ChildJvm.lastLines()));
        }
        return runs;
    }

    /** The java of this JVM, so that forks and workloads run on the same JDK (25, from the toolchain). */
    static String javaExecutable() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(files::add);
        }
        for (int i = files.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(files.get(i));
        }
    }
}
