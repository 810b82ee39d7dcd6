package io.github.hpa4j.it.bench;

import static io.github.hpa4j.it.bench.SpeedRow.Subject.ASK_ECHO;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.HPA_ACTOR;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.HPA_ASK;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.HPA_CACHED;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.HPA_CORE_LOCK;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.HPA_LEASE;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.JEMALLOC_HPA_68K;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.NETTY;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.PING_PONG;

import io.github.hpa4j.it.bench.jmh.HpaCachedBenchmark;
import io.github.hpa4j.it.bench.jmh.HpaLeaseBenchmark;
import io.github.hpa4j.it.bench.workload.IdleFootprintWorkload;
import io.github.hpa4j.it.text.Fmt;
import java.util.Locale;
import java.util.Optional;
import java.util.function.DoubleFunction;
import java.util.function.DoublePredicate;
import java.util.function.ToDoubleFunction;

/**
 * The headline figures and the verdict table: every number comes from this run, and every verdict is
 * the number held against its bound, so neither can contradict the tables above them. Why the
 * numbers are what they are is the README's to say ("Reading the benchmarks"); the mechanisms do
 * not change from run to run.
 */
final class Verdicts {
    private static final int HEADLINE_SIZE = 4096;

    private final SpeedTables speed;
    private final MemoryTables memory;
    private final FrontSuite.Results front;

    private final boolean machineWasBusy;

    /** @param machineWasBusy whether the load average exceeded the core count during the run */
    Verdicts(SpeedTables speed, MemoryTables memory, FrontSuite.Results front, boolean machineWasBusy) {
        this.speed = speed;
        this.memory = memory;
        this.front = front;
        this.machineWasBusy = machineWasBusy;
    }

    void appendHeadline(StringBuilder md) {
        md.append("At 4 KiB, one thread (pairs):\n\n");
        pair(HPA_CACHED, 1)
                .ifPresent(cached -> md.append("- hpa4j facade with its front cache: ")
                        .append(Fmt.rate(cached.opsPerSec()))
                        .append(" pairs/s = ")
                        .append(Fmt.ratio(speed.ratioToNetty(cached)))
                        .append(" Netty; p50 ")
                        .append(Fmt.nanos(cached.p50Nanos()))
                        .append(", p99 ")
                        .append(Fmt.nanos(cached.p99Nanos()))
                        .append(".\n"));
        pair(HPA_CACHED, 2)
                .ifPresent(cached -> md.append("- the same with 2 threads: ")
                        .append(Fmt.rate(cached.opsPerSec()))
                        .append(" pairs/s = ")
                        .append(Fmt.ratio(speed.ratioToNetty(cached)))
                        .append(" Netty.\n"));
        pair(HPA_LEASE, 1)
                .ifPresent(lease -> md.append("- hpa4j lease (no handle per pair): ")
                        .append(Fmt.rate(lease.opsPerSec()))
                        .append(" pairs/s = ")
                        .append(Fmt.ratio(speed.ratioToNetty(lease)))
                        .append(" Netty, ")
                        .append(Fmt.ratio(ratioTo(lease, JEMALLOC)))
                        .append(" jemalloc; p50 ")
                        .append(Fmt.nanos(lease.p50Nanos()))
                        .append(".\n"));
        pair(HPA_ASK, 1)
                .ifPresent(ask -> md.append("- hpa4j ask facade: ")
                        .append(Fmt.rate(ask.opsPerSec()))
                        .append(" pairs/s = ")
                        .append(Fmt.ratio(speed.ratioToNetty(ask)))
                        .append(" Netty, ")
                        .append(Fmt.ratio(speed.ratioToFloor(ask, ASK_ECHO)))
                        .append(" the bare ask echo; p50 ")
                        .append(Fmt.nanos(ask.p50Nanos()))
                        .append(", p99 ")
                        .append(Fmt.nanos(ask.p99Nanos()))
                        .append(".\n"));
        pair(HPA_ACTOR, 1)
                .ifPresent(actor -> md.append("- hpa4j actor client: ")
                        .append(Fmt.rate(actor.opsPerSec()))
                        .append(" pairs/s = ")
                        .append(Fmt.ratio(speed.ratioToNetty(actor)))
                        .append(" Netty, ")
                        .append(Fmt.ratio(speed.ratioToFloor(actor, PING_PONG)))
                        .append(" the bare ping-pong, ")
                        .append(Fmt.ratio(speed.ratioToFloor(actor, ASK_ECHO)))
                        .append(" the bare ask echo.\n"));
        pair(HPA_CORE_LOCK, 1)
                .ifPresent(core -> md.append("- hpa4j core behind one lock: ")
                        .append(Fmt.rate(core.opsPerSec()))
                        .append(" pairs/s = ")
                        .append(Fmt.ratio(speed.ratioToNetty(core)))
                        .append(" Netty.\n"));
        pair(NETTY, 1)
                .ifPresent(netty -> md.append("- Netty pooled direct: ")
                        .append(Fmt.rate(netty.opsPerSec()))
                        .append(" pairs/s, p50 ")
                        .append(Fmt.nanos(netty.p50Nanos()))
                        .append(".\n"));
        speed.find(HPA_ASK, true, HEADLINE_SIZE, 1)
                .ifPresent(batch -> md.append("- Batches of 64 through the ask facade: ")
                        .append(Fmt.rate(batch.opsPerSec()))
                        .append(" allocations/s = ")
                        .append(Fmt.ratio(speed.ratioToNetty(batch)))
                        .append(" Netty's batch rate.\n"));
        memory.find("hpa4j:collapse:2").ifPresent(hpa -> {
            md.append("- Memory: hpa4j (collapse) hugepage coverage ")
                    .append(Fmt.percent(MemoryTables.coverage(hpa)))
                    .append(", returned ")
                    .append(Fmt.percent(MemoryTables.returned(hpa)))
                    .append(" of the freed memory");
            memory.find("netty")
                    .ifPresent(netty -> md.append("; Netty pooled ")
                            .append(Fmt.percent(MemoryTables.coverage(netty)))
                            .append(" and ")
                            .append(Fmt.percent(MemoryTables.returned(netty))));
            memory.find("arena")
                    .ifPresent(arena -> md.append("; Arena (malloc) ")
                            .append(Fmt.percent(MemoryTables.coverage(arena)))
                            .append(" and ")
                            .append(Fmt.percent(MemoryTables.returned(arena))));
            md.append(".\n");
        });
    }

    /**
     * The verdict table: each thing the benchmarks must show, the value this run measured, its bound
     * and whether the value holds it. A row whose inputs did not run says so instead of judging.
     */
    void appendVerdicts(StringBuilder md) {
        if (machineWasBusy) {
            md.append("**Busy machine:** the load average exceeded the core count during this run; rates, ratios and "
                    + "p99s are low, the two-thread rows most.\n\n");
        }
        md.append("| Must show | Measured | Bound | Verdict |\n|---|---:|---:|---|\n");
        for (SpeedRow.Subject pairs : new SpeedRow.Subject[] {HPA_CACHED, HPA_LEASE}) {
            String what = pairs == HPA_LEASE ? "Pairs, lease" : "Pairs, facade";
            atLeast(
                    md,
                    what + ", × Netty pooled (4/16/64 KiB, 1 and 2 threads; lowest cell)",
                    lowestOver(pairs, row -> speed.ratioToNetty(row)),
                    1.5,
                    Fmt::ratio);
            atLeast(
                    md,
                    what + ", × " + JEMALLOC.label + " (lowest cell)",
                    lowestOver(pairs, row -> ratioTo(row, JEMALLOC)),
                    1.0,
                    Fmt::ratio);
            atLeast(md, what + ", 2 threads ÷ 1 thread (lowest size)", lowestScaling(pairs), 1.8, Fmt::ratio);
        }
        atLeast(
                md,
                "Batches of 64, front cache, × Netty pooled (lowest size and thread count)",
                lowestBatchRatio(),
                1.0,
                Fmt::ratio);
        atLeast(
                md,
                "Mixed-size churn behind the caches, × Netty pooled (lowest thread count)",
                churn(true),
                1.5,
                Fmt::ratio);
        atMost(
                md,
                "Churn allocations that waited on a message (highest thread count)",
                churn(false),
                0.01,
                Fmt::percent);
        // The smallest object is 16 B: less than a byte per pair is the JVM's and Akka's background
        // (scheduler ticks, the sweeper) spread over the pairs, not an object per pair.
        atMost(
                md,
                "Heap bytes per cached pair, facade (highest size)",
                cachedPairBytes(HpaCachedBenchmark.class),
                NO_OBJECT_PER_PAIR,
                Verdicts::bytes);
        atMost(
                md,
                "Heap bytes per cached pair, lease (highest size)",
                cachedPairBytes(HpaLeaseBenchmark.class),
                NO_OBJECT_PER_PAIR,
                Verdicts::bytes);
        Optional<MemoryResult> hpa = memory.find(MEMORY_VARIANT);
        String variant = " (" + MEMORY_VARIANT + ")";
        atLeast(md, "Hugepage coverage, loaded" + variant, hpa.map(MemoryTables::coverage), 0.90, Fmt::percent);
        atMost(
                md,
                "Peak Rss ÷ working set" + variant,
                hpa.filter(r -> r.get("liveBytes") > 0).map(r -> (double) r.get("peakRss") / r.get("liveBytes")),
                1.10,
                Fmt::ratio);
        atMost(
                md,
                "Rss after freeing 90 % and one purge interval ÷ still live" + variant,
                hpa.map(MemoryTables::finalOverLive).filter(v -> !Double.isNaN(v)),
                1.5,
                Fmt::ratio);
        Optional<MemoryResult> akka = memory.find(IdleFootprintWorkload.AKKA);
        atMost(
                md,
                "Idle hpa4j above the same JVM with Akka alone",
                memory.find(IdleFootprintWorkload.STARTED)
                        .flatMap(started -> akka.map(a -> (double) (started.get("rss") - a.get("rss")))),
                20.0 * MIB,
                bytes -> Fmt.mib((long) bytes));
    }

    private static final SpeedRow.Subject JEMALLOC = JEMALLOC_HPA_68K;
    private static final String MEMORY_VARIANT = "hpa4j:collapse:2";
    private static final long MIB = 1L << 20;
    private static final int[] PAIR_SIZES = {4096, 16384, 65536};
    private static final double NO_OBJECT_PER_PAIR = 0.5;

    private static void atLeast(
            StringBuilder md, String what, Optional<Double> measured, double bound, DoubleFunction<String> fmt) {
        verdict(md, what, measured, "≥ " + fmt.apply(bound), v -> v >= bound, fmt);
    }

    private static void atMost(
            StringBuilder md, String what, Optional<Double> measured, double bound, DoubleFunction<String> fmt) {
        verdict(md, what, measured, "≤ " + fmt.apply(bound), v -> v <= bound, fmt);
    }

    private static void verdict(
            StringBuilder md,
            String what,
            Optional<Double> measured,
            String bound,
            DoublePredicate holds,
            DoubleFunction<String> fmt) {
        md.append("| ").append(what).append(" | ");
        if (measured.isEmpty()) {
            md.append("not measured | ").append(bound).append(" | – |\n");
            return;
        }
        double v = measured.get();
        md.append(fmt.apply(v))
                .append(" | ")
                .append(bound)
                .append(" | ")
                .append(holds.test(v) ? "holds" : "**misses**")
                .append(" |\n");
    }

    private static String bytes(double bytes) {
        return String.format(Locale.ROOT, "%.2f B", bytes);
    }

    /* The lowest of f over the subject's pair rows of every size and thread count, NaNs left out. */
    private Optional<Double> lowestOver(SpeedRow.Subject subject, ToDoubleFunction<SpeedRow> f) {
        return speed.rows().stream()
                .filter(r -> r.subject() == subject && !r.batch())
                .mapToDouble(f)
                .filter(v -> !Double.isNaN(v))
                .boxed()
                .min(Double::compare);
    }

    private double ratioTo(SpeedRow row, SpeedRow.Subject other) {
        return speed.find(other, row.batch(), row.size(), row.threads())
                .map(o -> row.opsPerSec() / o.opsPerSec())
                .orElse(Double.NaN);
    }

    private Optional<Double> lowestScaling(SpeedRow.Subject subject) {
        Optional<Double> lowest = Optional.empty();
        for (int size : PAIR_SIZES) {
            Optional<SpeedRow> one = speed.find(subject, false, size, 1);
            Optional<SpeedRow> two = speed.find(subject, false, size, 2);
            if (one.isPresent() && two.isPresent()) {
                double r = two.get().opsPerSec() / one.get().opsPerSec();
                lowest = Optional.of(lowest.map(l -> Math.min(l, r)).orElse(r));
            }
        }
        return lowest;
    }

    private Optional<Double> lowestBatchRatio() {
        return speed.rows().stream()
                .filter(r -> r.subject() == HPA_CACHED && r.batch())
                .mapToDouble(speed::ratioToNetty)
                .filter(v -> !Double.isNaN(v))
                .boxed()
                .min(Double::compare);
    }

    /* rate: the lowest × Netty over thread counts; otherwise the highest share of allocations that waited. */
    private Optional<Double> churn(boolean rate) {
        Optional<Double> pick = Optional.empty();
        for (FrontSuite.ChurnRow row : front.churn()) {
            if (!row.allocator().equals(FrontSuite.HPA_LABEL)) {
                continue;
            }
            double v;
            if (rate) {
                Optional<FrontSuite.ChurnRow> netty = front.churn().stream()
                        .filter(n -> n.allocator().equals(FrontSuite.NETTY_LABEL) && n.threads() == row.threads())
                        .findFirst();
                if (netty.isEmpty() || netty.get().opsPerSec() <= 0) {
                    continue;
                }
                v = row.opsPerSec() / netty.get().opsPerSec();
            } else {
                v = (double) row.waited() / Math.max(1, row.allocations());
            }
            double value = v;
            pick = Optional.of(pick.map(p -> rate ? Math.min(p, value) : Math.max(p, value))
                    .orElse(value));
        }
        return pick;
    }

    private Optional<Double> cachedPairBytes(Class<?> benchmark) {
        return front.heap().stream()
                .filter(h -> h.benchmark().startsWith(benchmark.getSimpleName() + "."))
                .map(FrontSuite.HeapRow::bytesPerOp)
                .max(Double::compare);
    }

    private Optional<SpeedRow> pair(SpeedRow.Subject subject, int threads) {
        return speed.find(subject, false, HEADLINE_SIZE, threads);
    }
}
