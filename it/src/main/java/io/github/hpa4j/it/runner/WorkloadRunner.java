package io.github.hpa4j.it.runner;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.ShutdownReport;
import io.github.hpa4j.it.text.Fmt;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * The workload runner, hpa4j's first thing to run: an embedded actor system with hpa4j, clients
 * that grow to a working set, churn it with random sizes, free most of it and idle for a purge
 * interval; a progress line per second; a report and a PNG timeline at the end.
 *
 * <pre>mvn -B -q -pl it -am verify -DskipTests -Prun -Drun.args="--help"</pre>
 *
 * Exit codes: 0 done (or --help), 1 the workload failed (the message says which allocation or
 * request), 2 a bad flag.
 */
public final class WorkloadRunner {
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);
    /** Time for the allocator to stop and the actor system to terminate before the run gives up. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);

    private final RunnerOptions options;
    private final PrintStream out;
    private final AtomicBoolean aborted = new AtomicBoolean();

    private WorkloadRunner(RunnerOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        quietLogging();
        RunnerOptions options;
        try {
            options = RunnerOptions.parse(args);
        } catch (BadFlagException e) {
            System.err.println("hpa4j workload runner: bad flag " + e.getMessage());
            System.err.println("Run with --help for the flags.");
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(RunnerOptions.usage());
            return;
        }
        try {
            run(options, System.out);
        } catch (DataMismatchException | WorkloadFailedException e) {
            System.err.println("hpa4j workload runner: ABORTED: " + e.getMessage());
            System.exit(1);
        } catch (IOException e) {
            System.err.println("hpa4j workload runner: cannot write the report: " + e);
            System.exit(1);
        } catch (RuntimeException e) {
            System.err.println("hpa4j workload runner: failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0); // Akka's non-daemon threads may linger past termination
    }

    /**
     * Runs the workload once and writes the report and chart into {@code options.outDir()}.
     * Throws {@link DataMismatchException} or {@link WorkloadFailedException} when it aborts.
     */
    public static RunResult run(RunnerOptions options, PrintStream out) throws IOException {
        return new WorkloadRunner(options, out).run();
    }

    private RunResult run() throws IOException {
        Path outDir = options.outDir().toAbsolutePath().normalize();
        Files.createDirectories(outDir); // fail now, not after a minute of work
        LocalDateTime startedAt = LocalDateTime.now(ZoneId.systemDefault());
        String stem = "workload-" + startedAt.format(FILE_STAMP);

        LoggerFactory.getILoggerFactory(); // before Akka's threads log, so SLF4J has nothing to replay
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hpa4j-workload", options.config());
        List<WorkloadClient> clients = new ArrayList<>();
        try {
            Hpa4j allocator = Hpa4j.get(system);
            printHeader();
            WorkloadMetrics metrics = new WorkloadMetrics();
            for (int i = 0; i < options.clients(); i++) {
                clients.add(new WorkloadClient(i, allocator, metrics, options, aborted::get));
            }
            Timeline timeline = new Timeline();
            ProcessMemory process = new ProcessMemory();
            long start = System.nanoTime();
            // Churn gets what grow leaves of the duration, less the idle phase (free is short).
            long workDeadline = start + options.duration().minus(options.idle()).toNanos();
            AllocatorStats endOfChurn;
            AllocatorStats atEnd;
            try (ProgressReporter progress = new ProgressReporter(allocator, metrics, timeline, process, out, start)) {
                progress.start();
                runPhase(
                        Phase.GROW,
                        progress,
                        timeline,
                        clients,
                        List.of(c -> c.growLongLived(workDeadline), c -> c.growRest(workDeadline)),
                        "allocate until " + Fmt.bytes(options.workingSet()) + " are live, the long-lived "
                                + Fmt.percent(options.longLived(), 1) + " first");
                runPhase(
                        Phase.CHURN,
                        progress,
                        timeline,
                        clients,
                        c -> c.churn(workDeadline),
                        "replace random allocations, sizes " + Fmt.bytes(options.minSize()) + ".."
                                + Fmt.bytes(options.maxSize()) + ", until " + secondsFromStart(workDeadline, start));
                endOfChurn = stats(allocator);
                runPhase(
                        Phase.FREE,
                        progress,
                        timeline,
                        clients,
                        c -> c.freeFraction(options.freeFraction()),
                        "free " + Fmt.percent(options.freeFraction(), 1) + " of the allocations");
                long idleDeadline = System.nanoTime() + options.idle().toNanos();
                runPhase(
                        Phase.IDLE,
                        progress,
                        timeline,
                        clients,
                        c -> c.idleUntil(idleDeadline),
                        "wait " + Units.duration(options.idle()) + " for the background purge");
                atEnd = stats(allocator);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            awaitAll(clients, WorkloadClient::releaseAll);
            ShutdownReport shutdown = allocator.stop().toCompletableFuture().join();

            RunData data = new RunData(
                    options,
                    startedAt,
                    seconds,
                    timeline,
                    metrics.drain(),
                    endOfChurn,
                    atEnd,
                    shutdown,
                    process.peakRss());
            String report = Report.render(data);
            Path reportFile = outDir.resolve(stem + ".txt");
            Path chartFile = outDir.resolve(stem + ".png");
            Files.writeString(reportFile, report, StandardCharsets.UTF_8);
            TimelineChart.render(data, chartFile);
            out.println();
            out.print(report);
            out.println("Report:   " + reportFile);
            out.println("Timeline: " + chartFile);
            return new RunResult(reportFile, chartFile, report);
        } finally {
            aborted.set(true);
            clients.forEach(WorkloadClient::close);
            system.terminate();
            try {
                system.getWhenTerminated()
                        .toCompletableFuture()
                        .get(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                out.println("warning: the actor system did not terminate within " + Units.duration(SHUTDOWN_TIMEOUT)
                        + ": " + e);
            }
        }
    }

    private void runPhase(
            Phase phase,
            ProgressReporter progress,
            Timeline timeline,
            List<WorkloadClient> clients,
            Function<WorkloadClient, CompletableFuture<Void>> work,
            String what) {
        runPhase(phase, progress, timeline, clients, List.of(work), what);
    }

    /** Runs the phase's steps one after another, each on every client at once. */
    private void runPhase(
            Phase phase,
            ProgressReporter progress,
            Timeline timeline,
            List<WorkloadClient> clients,
            List<Function<WorkloadClient, CompletableFuture<Void>>> steps,
            String what) {
        progress.phase(phase);
        double begin = progress.seconds();
        out.printf(Locale.ROOT, "== %s (%.1fs): %s%n", phase.label(), begin, what);
        progress.sample();
        for (Function<WorkloadClient, CompletableFuture<Void>> step : steps) {
            awaitAll(clients, step);
        }
        progress.sample();
        timeline.phaseRan(phase, begin, progress.seconds());
    }

    /**
     * Starts {@code work} on every client and waits for all of them. When one fails the others are
     * told to stop, and the first failure is rethrown as it was (a mismatch or a failed request).
     */
    private void awaitAll(List<WorkloadClient> clients, Function<WorkloadClient, CompletableFuture<Void>> work) {
        List<CompletableFuture<Void>> running = new ArrayList<>(clients.size());
        for (WorkloadClient client : clients) {
            running.add(work.apply(client).whenComplete((ok, error) -> {
                if (error != null) {
                    aborted.set(true);
                }
            }));
        }
        RuntimeException first = null;
        for (CompletableFuture<Void> f : running) {
            try {
                f.join();
            } catch (CompletionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private AllocatorStats stats(Hpa4j allocator) {
        return allocator.stats().toCompletableFuture().join();
    }

    private void printHeader() {
        out.printf(
                Locale.ROOT,
                "hpa4j workload runner on Java %s (%s), %d processors%n",
                Runtime.version(),
                System.getProperty("java.vendor"),
                Runtime.getRuntime().availableProcessors());
        out.printf(
                Locale.ROOT,
                "  %d clients, working set %s (%s long-lived), sizes %s..%s, duration %s (idle %s),"
                        + " %d shards, hugify style %s, seed %d%n",
                options.clients(),
                Fmt.bytes(options.workingSet()),
                Fmt.percent(options.longLived(), 1),
                Fmt.bytes(options.minSize()),
                Fmt.bytes(options.maxSize()),
                Units.duration(options.duration()),
                Units.duration(options.idle()),
                options.settings().shards(),
                options.settings().hugifyStyle().name().toLowerCase(Locale.ROOT),
                options.seed());
        if (options.idle().compareTo(options.duration()) >= 0) {
            out.printf(
                    Locale.ROOT,
                    "  note: --idle %s is not shorter than --duration %s: no churn, and the run takes"
                            + " longer than asked%n",
                    Units.duration(options.idle()),
                    Units.duration(options.duration()));
        }
    }

    private static String secondsFromStart(long deadlineNanos, long startNanos) {
        return String.format(Locale.ROOT, "%.1fs", Math.max(0, deadlineNanos - startNanos) / 1e9);
    }

    /**
     * Logback without a configuration file logs everything at DEBUG: Akka's start-up chatter and
     * hpa4j's INFO lines would drown the progress lines. Only the runner's own main does this, so
     * tests keep whatever logging they configure. Warnings and errors still show.
     */
    private static void quietLogging() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root
                && System.getProperty("logback.configurationFile") == null) {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
