package io.github.hpa4j.it.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The JMH part: every benchmark of this package, once per thread count, one fork each, in sample
 * mode (so that one run gives both the rate and the percentiles).
 */
final class SpeedSuite {
    private SpeedSuite() {
    }

    static List<SpeedRow> run(SuiteOptions options, List<String> forkJvmArgs, Path latencyDir) throws RunnerException {
        List<SpeedRow> rows = new ArrayList<>();
        for (int threads : options.threads()) {
            ChainedOptionsBuilder builder = builder(options, forkJvmArgs, latencyDir, threads, BenchmarkSuite.javaExecutable())
                    .include(Pattern.quote(SpeedSuite.class.getPackageName() + ".") + "\\w+Benchmark\\.\\w+")
                    .exclude(SEPARATE_RUNS);
            Collection<RunResult> results = new Runner(builder.build()).run();
            for (RunResult result : results) {
                rows.add(toRow(result, latencyDir));
            }
        }
        return rows;
    }

    /**
     * jemalloc's rows, one JMH run per configuration: its forks must start with jemalloc preloaded
     * and their own MALLOC_CONF, so each run's "JVM" is a launcher script that sets both.
     */
    static List<SpeedRow> runJemalloc(SuiteOptions options, List<String> forkJvmArgs, Path latencyDir, Path scratch)
            throws RunnerException, java.io.IOException {
        List<SpeedRow> rows = new ArrayList<>();
        for (JemallocConfig config : JemallocConfig.ALL) {
            Path launcher = PreloadLauncher.write(scratch, config);
            for (int threads : options.threads()) {
                ChainedOptionsBuilder builder = builder(options, forkJvmArgs, latencyDir, threads, launcher.toString())
                        .include(Pattern.quote(JemallocBenchmark.class.getName() + ".") + "\\w+")
                        .param("jemalloc", config.id());
                for (RunResult result : new Runner(builder.build()).run()) {
                    rows.add(toRow(result, latencyDir));
                }
            }
        }
        return rows;
    }

    /**
     * Pairs of the small and large sizes ({@link SuiteOptions#everySizes}), one thread: hpa4j's facade,
     * Netty pooled and Arena.ofConfined, the allocators that serve every size.
     */
    static List<SpeedRow> runEverySize(SuiteOptions options, List<String> forkJvmArgs, Path latencyDir)
            throws RunnerException {
        ChainedOptionsBuilder builder = builder(options, forkJvmArgs, latencyDir, 1, BenchmarkSuite.javaExecutable(),
                options.everySizes());
        for (Class<?> type : EVERY_SIZE) {
            builder.include(Pattern.quote(type.getName() + ".pair") + "$");
        }
        List<SpeedRow> rows = new ArrayList<>();
        for (RunResult result : new Runner(builder.build()).run()) {
            rows.add(toRow(result, latencyDir));
        }
        return rows;
    }

    static final List<Class<?>> EVERY_SIZE = List.of(HpaCachedBenchmark.class, NettyPooledBenchmark.class,
            ArenaConfinedBenchmark.class);

    /** hpa4j's pairs with 1 and 2 shards, cache on and off, on 1 and 2 threads: {@link ScalingRow}s. */
    static List<ScalingRow> runScaling(SuiteOptions options, List<String> forkJvmArgs, Path latencyDir)
            throws RunnerException {
        List<ScalingRow> rows = new ArrayList<>();
        for (int threads : List.of(1, 2)) {
            ChainedOptionsBuilder builder = builder(options, forkJvmArgs, latencyDir, threads,
                    BenchmarkSuite.javaExecutable(), List.of(ScalingRow.SIZE))
                    .include(Pattern.quote(ShardScalingBenchmark.class.getName() + ".") + "\\w+");
            for (RunResult result : new Runner(builder.build()).run()) {
                BenchmarkParams params = result.getParams();
                Result<?> primary = result.getPrimaryResult();
                rows.add(new ScalingRow(Integer.parseInt(params.getParam("shards")), params.getParam("cache").equals("on"),
                        threads, threads * 1e9 / primary.getScore(), primary.getStatistics().getPercentile(50),
                        primary.getStatistics().getPercentile(99)));
            }
        }
        return rows;
    }

    /** Benchmarks that need a JVM of their own kind, run apart from the main runs. */
    private static final String SEPARATE_RUNS = Pattern.quote(JemallocBenchmark.class.getName() + ".")
            + "|" + Pattern.quote(ShardScalingBenchmark.class.getName() + ".");

    private static ChainedOptionsBuilder builder(SuiteOptions options, List<String> forkJvmArgs, Path latencyDir,
                                                 int threads, String jvm) {
        return builder(options, forkJvmArgs, latencyDir, threads, jvm, options.sizes());
    }

    /** JMH adds to a parameter's values on every call, never replaces them: the sizes are given once, here. */
    private static ChainedOptionsBuilder builder(SuiteOptions options, List<String> forkJvmArgs, Path latencyDir,
                                                 int threads, String jvm, List<Integer> sizes) {
        return new OptionsBuilder()
                    .param("size", sizes.stream().map(String::valueOf).toArray(String[]::new))
                    .threads(threads)
                    .forks(1)
                    .warmupIterations(1).warmupTime(options.warmup())
                    .measurementIterations(1).measurementTime(options.measurement())
                    .timeUnit(TimeUnit.NANOSECONDS)
                    .jvm(jvm)
                    .jvmArgs(forkJvmArgs.toArray(String[]::new))
                    .jvmArgsAppend("-D" + LatencyLog.DIR_PROPERTY + "=" + latencyDir)
                    .shouldFailOnError(true)
                    .verbosity(options.smoke() ? VerboseMode.SILENT : VerboseMode.NORMAL);
    }

    private static SpeedRow toRow(RunResult result, Path latencyDir) {
        BenchmarkParams params = result.getParams();
        String benchmark = params.getBenchmark();
        String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        String type = benchmark.substring(0, benchmark.lastIndexOf('.'));
        String simpleName = type.substring(type.lastIndexOf('.') + 1);
        Result<?> primary = result.getPrimaryResult();
        if (!primary.getScoreUnit().equals("ns/op")) {
            throw new IllegalStateException(benchmark + ": expected ns/op, got " + primary.getScoreUnit());
        }
        // Sample mode: the score is the mean time of one operation on one thread.
        double invocationsPerSec = params.getThreads() * 1e9 / primary.getScore();
        String size = params.getParam("size");
        Optional<Histogram> timedInActor = LatencyLog.read(latencyDir, params);
        double p50 = timedInActor.map(h -> (double) h.getValueAtPercentile(50))
                .orElseGet(() -> primary.getStatistics().getPercentile(50));
        double p99 = timedInActor.map(h -> (double) h.getValueAtPercentile(99))
                .orElseGet(() -> primary.getStatistics().getPercentile(99));
        return new SpeedRow(simpleName + "." + method, SpeedRow.Subject.ofBenchmark(simpleName, params.getParam("jemalloc")),
                method.equals("batch"), size == null ? 0 : Integer.parseInt(size), params.getThreads(),
                invocationsPerSec, p50, p99);
    }
}
