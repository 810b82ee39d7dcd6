package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.jmh.HpaChurnBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * What the front does behind the caches and on the heap: the mixed-size churn ({@code ChurnSlots})
 * through hpa4j and Netty's pool, 1 and 2 threads, with the share of hpa4j's allocations whose
 * caller waited on a message; and the bytes each allocator puts on the Java heap per cached pair
 * (JMH's GC profiler).
 */
final class FrontSuite {
    static final String HPA_LABEL = "hpa4j (front cache on)";
    static final String NETTY_LABEL = "Netty pooled (direct)";

    /** One churn result; {@code waited} and {@code allocations} are hpa4j's only (-1 for Netty). */
    record ChurnRow(String allocator, int threads, double opsPerSec, long allocations, long waited) {}

    /** Bytes allocated on the Java heap per operation. */
    record HeapRow(String benchmark, int size, double bytesPerOp) {}

    record Results(List<ChurnRow> churn, List<HeapRow> heap) {}

    private FrontSuite() {}

    static Results run(SuiteOptions options, List<String> forkJvmArgs, Path scratch)
            throws RunnerException, IOException {
        Path dir = Files.createDirectories(scratch.resolve("front"));
        List<ChurnRow> churn = new ArrayList<>();
        for (int threads : options.threads()) {
            for (RunResult result :
                    run("(HpaChurnBench|NettyChurnBench)\\.churn", threads, options, forkJvmArgs, dir, false)) {
                String benchmark = result.getParams().getBenchmark();
                boolean hpa = benchmark.contains("HpaChurnBench");
                double opsPerSec = result.getPrimaryResult().getScore() * 1e6; // ops/us, all threads
                long allocations = -1;
                long waited = -1;
                if (hpa) {
                    String[] figures = Files.readString(dir.resolve("churn-" + threads + ".txt"))
                            .trim()
                            .split(" ", -1);
                    allocations = Long.parseLong(figures[0]) + Long.parseLong(figures[1]);
                    waited = Long.parseLong(figures[1]);
                }
                churn.add(new ChurnRow(hpa ? HPA_LABEL : NETTY_LABEL, threads, opsPerSec, allocations, waited));
            }
        }
        List<HeapRow> heap = new ArrayList<>();
        for (RunResult result : run(
                "(HpaCachedBenchmark|HpaLeaseBenchmark|NettyPooledBenchmark)\\.pair",
                1,
                options,
                forkJvmArgs,
                dir,
                true)) {
            var norm = result.getSecondaryResults().get("gc.alloc.rate.norm");
            String benchmark = result.getParams().getBenchmark();
            heap.add(new HeapRow(
                    benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1),
                    Integer.parseInt(result.getParams().getParam("size")),
                    norm == null ? Double.NaN : norm.getScore()));
        }
        return new Results(churn, heap);
    }

    private static java.util.Collection<RunResult> run(
            String include, int threads, SuiteOptions options, List<String> forkJvmArgs, Path dir, boolean gc)
            throws RunnerException {
        OptionsBuilder builder = new OptionsBuilder();
        builder.include(java.util.regex.Pattern.quote(HpaChurnBench.class.getPackageName() + ".") + include)
                .param("size", options.sizes().stream().map(String::valueOf).toArray(String[]::new))
                .threads(threads)
                .forks(1)
                .mode(org.openjdk.jmh.annotations.Mode.Throughput)
                .timeUnit(TimeUnit.MICROSECONDS)
                .warmupIterations(1)
                .warmupTime(options.warmup())
                .measurementIterations(1)
                .measurementTime(options.measurement())
                .jvm(BenchmarkSuite.javaExecutable())
                .jvmArgs(forkJvmArgs.toArray(String[]::new))
                .jvmArgsAppend("-D" + HpaChurnBench.DIR_PROPERTY + "=" + dir)
                .shouldFailOnError(true)
                .verbosity(options.smoke() ? VerboseMode.SILENT : VerboseMode.NORMAL);
        if (gc) {
            builder.addProfiler("gc");
        }
        return new Runner(builder.build()).run();
    }
}
