package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.jmh.ArenaConfinedBenchmark;
import io.github.hpa4j.it.bench.jmh.HpaCachedBenchmark;
import io.github.hpa4j.it.bench.jmh.HpaLeaseBenchmark;
import io.github.hpa4j.it.bench.jmh.JemallocBenchmark;
import io.github.hpa4j.it.bench.jmh.NettyPooledBenchmark;
import io.github.hpa4j.it.bench.jmh.ShardScalingBenchmark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Statistics;

/**
 * The JMH part: every benchmark of this package, once per thread count, one fork each, in two modes:
 * throughput for the rate and sample for the percentiles. Sample mode alone would give both, but
 * it reads the clock around the sampled invocations, and for a pair that takes a few nanoseconds
 * the clock is most of what it measures: rates from sample mode came out 1.7 to 2 times lower on
 * two threads than throughput mode's for the same pairs.
 */
final class SpeedSuite {
    private SpeedSuite() {}

    static List<SpeedRow> run(SuiteOptions options, List<String> forkJvmArgs, Path latencyDir) throws RunnerException {
        List<SpeedRow> rows = new ArrayList<>();
        for (int threads : options.threads()) {
            ChainedOptionsBuilder builder = builder(
                            options, forkJvmArgs, latencyDir, threads, BenchmarkSuite.javaExecutable())
                    .include(Pattern.quote(HpaCachedBenchmark.class.getPackageName() + ".") + "\\w+Benchmark\\.\\w+")
                    .exclude(SEPARATE_RUNS);
            rows.addAll(toRows(new Runner(builder.build()).run(), latencyDir));
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
                rows.addAll(toRows(new Runner(builder.build()).run(), latencyDir));
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
        ChainedOptionsBuilder builder =
                builder(options, forkJvmArgs, latencyDir, 1, BenchmarkSuite.javaExecutable(), options.everySizes());
        for (Class<?> type : EVERY_SIZE) {
            builder.include(Pattern.quote(type.getName() + ".pair") + "$");
        }
        return toRows(new Runner(builder.build()).run(), latencyDir);
    }

    static final List<Class<?>> EVERY_SIZE = List.of(
            HpaCachedBenchmark.class,
            HpaLeaseBenchmark.class,
            NettyPooledBenchmark.class,
            ArenaConfinedBenchmark.class);

    /** hpa4j's pairs with 1 and 2 shards, cache on and off, on 1 and 2 threads: {@link ScalingRow}s. */
    static List<ScalingRow> runScaling(SuiteOptions options, List<String> forkJvmArgs, Path latencyDir)
            throws RunnerException {
        List<ScalingRow> rows = new ArrayList<>();
        for (int threads : List.of(1, 2)) {
            ChainedOptionsBuilder builder = builder(
                            options,
                            forkJvmArgs,
                            latencyDir,
                            threads,
                            BenchmarkSuite.javaExecutable(),
                            List.of(ScalingRow.SIZE))
                    .include(Pattern.quote(ShardScalingBenchmark.class.getName() + ".") + "\\w+");
            for (Measured m : pair(new Runner(builder.build()).run())) {
                BenchmarkParams params = m.sample().getParams();
                Statistics sample = m.sample().getPrimaryResult().getStatistics();
                rows.add(new ScalingRow(
                        Integer.parseInt(params.getParam("shards")),
                        params.getParam("cache").equals("on"),
                        threads,
                        m.perSecond(),
                        sample.getPercentile(50),
                        sample.getPercentile(99)));
            }
        }
        return rows;
    }

    /** Benchmarks that need a JVM of their own kind, run apart from the main runs. */
    private static final String SEPARATE_RUNS = Pattern.quote(JemallocBenchmark.class.getName() + ".") + "|"
            + Pattern.quote(ShardScalingBenchmark.class.getName() + ".");

    private static ChainedOptionsBuilder builder(
            SuiteOptions options, List<String> forkJvmArgs, Path latencyDir, int threads, String jvm) {
        return builder(options, forkJvmArgs, latencyDir, threads, jvm, options.sizes());
    }

    /** JMH adds to a parameter's values on every call, never replaces them: the sizes are given once, here. */
    private static ChainedOptionsBuilder builder(
            SuiteOptions options,
            List<String> forkJvmArgs,
            Path latencyDir,
            int threads,
            String jvm,
            List<Integer> sizes) {
        return new OptionsBuilder()
                .mode(Mode.Throughput)
                .mode(Mode.SampleTime)
                .param("size", sizes.stream().map(String::valueOf).toArray(String[]::new))
                .threads(threads)
                .forks(1)
                .warmupIterations(1)
                .warmupTime(options.warmup())
                .measurementIterations(1)
                .measurementTime(options.measurement())
                .timeUnit(TimeUnit.NANOSECONDS)
                .jvm(jvm)
                .jvmArgs(forkJvmArgs.toArray(String[]::new))
                .jvmArgsAppend("-D" + LatencyLog.DIR_PROPERTY + "=" + latencyDir)
                .shouldFailOnError(true)
                .verbosity(options.smoke() ? VerboseMode.SILENT : VerboseMode.NORMAL);
    }

    /** One benchmark with one set of parameters, as both modes measured it. */
    private record Measured(RunResult throughput, RunResult sample) {
        /** Invocations per second, all threads together (JMH sums the threads' throughput). */
        double perSecond() {
            Result<?> rate = throughput.getPrimaryResult();
            if (!rate.getScoreUnit().equals("ops/ns")) {
                throw new IllegalStateException(
                        throughput.getParams().getBenchmark() + ": expected ops/ns, got " + rate.getScoreUnit());
            }
            return rate.getScore() * 1e9;
        }
    }

    /** The results of a run paired by benchmark and parameters, in the order JMH ran them. */
    private static List<Measured> pair(Collection<RunResult> results) {
        Map<String, RunResult> throughput = new LinkedHashMap<>();
        Map<String, RunResult> sample = new LinkedHashMap<>();
        for (RunResult result : results) {
            BenchmarkParams params = result.getParams();
            String key = params.getBenchmark()
                    + params.getParamsKeys().stream()
                            .map(k -> " " + k + "=" + params.getParam(k))
                            .reduce("", String::concat)
                    + " t" + params.getThreads();
            Map<String, RunResult> byMode = switch (params.getMode()) {
                case Throughput -> throughput;
                case SampleTime -> sample;
                default -> throw new IllegalStateException(key + ": unexpected mode " + params.getMode());
            };
            byMode.put(key, result);
        }
        if (!throughput.keySet().equals(sample.keySet())) {
            throw new IllegalStateException("each benchmark must run in both modes: throughput " + throughput.keySet()
                    + ", sample " + sample.keySet());
        }
        List<Measured> measured = new ArrayList<>();
        for (Map.Entry<String, RunResult> e : throughput.entrySet()) {
            measured.add(new Measured(e.getValue(), sample.get(e.getKey())));
        }
        return measured;
    }

    private static List<SpeedRow> toRows(Collection<RunResult> results, Path latencyDir) {
        List<SpeedRow> rows = new ArrayList<>();
        for (Measured m : pair(results)) {
            rows.add(toRow(m, latencyDir));
        }
        return rows;
    }

    private static SpeedRow toRow(Measured measured, Path latencyDir) {
        BenchmarkParams params = measured.sample().getParams();
        String benchmark = params.getBenchmark();
        String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        String type = benchmark.substring(0, benchmark.lastIndexOf('.'));
        String simpleName = type.substring(type.lastIndexOf('.') + 1);
        Result<?> primary = measured.sample().getPrimaryResult();
        if (!primary.getScoreUnit().equals("ns/op")) {
            throw new IllegalStateException(benchmark + ": expected ns/op, got " + primary.getScoreUnit());
        }
        String size = params.getParam("size");
        Optional<Histogram> timedInActor = LatencyLog.read(latencyDir, params);
        double p50 = timedInActor
                .map(h -> (double) h.getValueAtPercentile(50))
                .orElseGet(() -> primary.getStatistics().getPercentile(50));
        double p99 = timedInActor
                .map(h -> (double) h.getValueAtPercentile(99))
                .orElseGet(() -> primary.getStatistics().getPercentile(99));
        return new SpeedRow(
                simpleName + "." + method,
                SpeedRow.Subject.ofBenchmark(simpleName, params.getParam("jemalloc")),
                method.equals("batch"),
                size == null ? 0 : Integer.parseInt(size),
                params.getThreads(),
                measured.perSecond(),
                p50,
                p99);
    }
}
