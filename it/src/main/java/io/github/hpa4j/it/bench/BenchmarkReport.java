package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.workload.LatencyProbe;
import io.github.hpa4j.it.bench.workload.MemoryVariant;
import io.github.hpa4j.it.bench.workload.RandomAccessWorkload;
import io.github.hpa4j.it.text.Fmt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Writes docs/BENCHMARKS.md: how it was run, where, the headline, the tables and the verdict table. */
final class BenchmarkReport {
    static final String COMMAND = "mvn -B -q -pl it -am verify -DskipTests -Pbench";

    private BenchmarkReport() {}

    /** Where the pictures go, relative to the report, and how the report links them. */
    static final String PICTURES = "benchmarks";

    static void write(
            Path out,
            SuiteOptions options,
            MachineInfo machine,
            String load,
            Duration elapsed,
            List<String> forkJvmArgs,
            SuiteResults results)
            throws IOException {
        SpeedTables speed = new SpeedTables(results.speed());
        MemoryTables memory = new MemoryTables(results.memory());
        Path pictures = out.toAbsolutePath().getParent().resolve(PICTURES);
        Verdicts note = new Verdicts(speed, memory, results.front(), busy(load, machine.cores()));
        StringBuilder md = new StringBuilder();
        md.append("# hpa4j benchmarks\n\n");
        md.append("Written by `io.github.hpa4j.it.bench.BenchmarkSuite`; do not edit by hand, run it again:\n\n");
        md.append("```\n").append(COMMAND).append("\n```\n\n");
        md.append(
                "It takes about thirty-five minutes. CI runs the same suite in smoke mode (`BenchmarkSmokeTest`, part of "
                        + "`mvn verify`), which only proves that everything runs.");
        if (options.smoke()) {
            md.append("\n\n**This file is from a smoke run: the numbers are not measurements.**");
        }
        double load1 = startLoad1(load);
        if (load1 > BUSY_LOAD_PER_CORE * machine.cores()) {
            md.append(String.format(
                    Locale.ROOT,
                    "\n\n**Busy machine: this run started with a 1-minute load average "
                            + "of %.2f on %d cores (above %.1f per core): other work competed with the benchmarks; see "
                            + "Noise for each section.**",
                    load1,
                    machine.cores(),
                    BUSY_LOAD_PER_CORE));
        }
        md.append("\n\n## Machine\n\n| | |\n|---|---|\n");
        row(md, "CPU", machine.cpu() + " × " + machine.cores());
        row(md, "Memory", machine.memory());
        row(md, "Kernel", machine.kernel());
        row(md, "THP enabled / defrag", "`" + machine.thpEnabled() + "` / `" + machine.thpDefrag() + "`");
        row(md, "JDK", machine.jdk());
        row(
                md,
                "Load average (1/5/15 min)",
                load + " (" + machine.cores()
                        + " cores; anything above ~1 is other work competing with the benchmarks)");
        row(md, "Date", ZonedDateTime.now(ZoneId.systemDefault()).format(DateTimeFormatter.RFC_1123_DATE_TIME));
        row(
                md,
                "Suite",
                (options.smoke() ? "smoke" : "full") + ", "
                        + String.format(Locale.ROOT, "%.1f min", elapsed.toMillis() / 60000.0));
        row(
                md,
                "JMH",
                "1.37, throughput mode for rates and sample mode for percentiles, 1 fork each, 1 × "
                        + options.warmup() + " warm-up, 1 × " + options.measurement() + " measurement, threads "
                        + options.threads() + ", fork flags `"
                        + String.join(" ", forkJvmArgs) + "`");

        md.append("\n## Noise\n\nLoad average (1/5/15 min, from /proc/loadavg) before and after each section.\n\n");
        md.append("| Section | Load before | Load after | Duration |\n|---|---|---|---:|\n");
        for (SectionLog.Entry entry : results.sections()) {
            md.append("| ")
                    .append(entry.section())
                    .append(" | ")
                    .append(entry.loadBefore())
                    .append(" | ")
                    .append(entry.loadAfter())
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f s", entry.elapsed().toMillis() / 1000.0))
                    .append(" |\n");
        }

        md.append("\n## Headline\n\n");
        note.appendHeadline(md);

        md.append("\n## Speed\n\n");
        md.append("""
                What is measured:

                - **hpa4j facade + front cache**: `Hpa4j.allocateNow`/`freeNow` (`allocateBatch`/`freeBatch` for \
                batches) with the reference settings, front cache on: a pair is served from the thread's cache; \
                a miss is one batch refill, an overflowing bin one batch flush.
                - **hpa4j lease + front cache**: the same settings through one `Lease` per JMH thread                 (`lease.allocate` + `lease.free`): the thread's cache without a new handle per pair.
                - **hpa4j ask facade**: `Hpa4j.allocate`/`free` (`allocateBatch`/`freeBatch`) from the JMH \
                thread with the front cache off, one ask per call, blocking on the answer. Reference settings: \
                2 shards (one per core), collapse, deferral on (purges on page workers).
                - **hpa4j actor client**: an actor sends `Allocate`/`Free` with `replyTo` to its shard and waits \
                for each reply before the next request; 1000 pairs (100 batches) per JMH call, each timed in the \
                actor. Each JMH thread has its own client and shard.
                - **hpa4j core + one lock**: core's `Shard` and `Eden` on the real Linux page hooks behind one \
                `ReentrantLock` shared by all threads, deferral off, so the lock holder purges and hugifies \
                inline: hpa.c's mutex design, in Java, with no actor.
                - **Netty pooled direct**: `PooledByteBufAllocator` direct buffers with thread caches for all \
                threads, leak detection off. Buffers above 32 KiB bypass its thread cache (Netty's default).
                - **ByteBuffer.allocateDirect**: malloc + zeroing + Cleaner; no explicit free, the GC frees.
                - **Arena.ofConfined / ofShared**: malloc + zeroing per `allocate`, free on `close`; a batch \
                is one arena with 64 allocations. Closing a shared arena is a handshake with all threads.
                - **jemalloc**: jemalloc 5.3 (Debian's `libjemalloc2`) preloaded into the JMH fork \
                (`LD_PRELOAD`, with the row's `MALLOC_CONF`), `malloc` + `free` through FFM looked up in \
                jemalloc's own library, checked by `mallctl`. Its thread cache serves up to 32 KiB; above, the \
                HPA or its older page allocator (PAC). jemalloc 5.3 pads large allocations by a page, so with \
                the default `hpa_slab_max_alloc` (64 KiB) a 64 KiB block goes to the PAC; the 68 KiB rows raise it. \
                `JemallocBenchmark` also runs on its own, beside hpa4j's benchmarks in one JMH run: start JMH with \
                `LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=...` (forks inherit it) and \
                optionally `-p jemalloc=hpa-68k|hpa|off` to have the configuration checked.
                - **Floors**: two asks to an echo actor, and two ping-pong round trips between two actors: the \
                same messages as a pair or a batch with no allocator behind them.

                No allocator here touches the memory it hands out, except that allocateDirect and Arena zero it.

                """);
        speed.appendTo(md);
        md.append(
                "\n### Which library each jemalloc configuration called\n\n| Configuration | MALLOC_CONF | Check run |\n|---|---|---|\n");
        for (JemallocConfig config : JemallocConfig.ALL) {
            md.append("| `")
                    .append(config.id())
                    .append("` | `")
                    .append(config.mallocConf())
                    .append("` | ")
                    .append(results.jemallocRuns().getOrDefault(config.id(), "–"))
                    .append(" |\n");
        }
        ReportCharts.bars(
                pictures.resolve("speed-pairs.png"),
                "Alloc + free pairs: ops/s × Netty pooled (log scale)",
                "× Netty",
                speed.ratiosToNetty(false));
        ReportCharts.bars(
                pictures.resolve("speed-batches.png"),
                "Batches of 64: allocations/s × Netty pooled (log scale)",
                "× Netty",
                speed.ratiosToNetty(true));
        md.append("\n![pairs × Netty](")
                .append(PICTURES)
                .append("/speed-pairs.png)\n\n![batches × Netty](")
                .append(PICTURES)
                .append("/speed-batches.png)\n");

        BeforeTheFront.appendTo(md, speed);
        md.append('\n').append(FrontTables.markdown(results.front()));

        ScalingTables scaling = new ScalingTables(results.scaling(), results.pageWorkLatency());
        md.append("## Scaling\n\n### Shards × threads\n\n");
        md.append(String.format(
                Locale.ROOT,
                "`ShardScalingBenchmark`: %s `allocateNow` + `freeNow` pairs, reference "
                        + "settings but the shard count, front cache on (a pair rarely reaches a shard) and off (every call "
                        + "is a message to the calling thread's shard).%n%n",
                Fmt.size(ScalingRow.SIZE)));
        scaling.appendScaling(md);
        md.append("\n### Allocation latency on a shard while its slabs are purged and hugified\n\n");
        md.append(String.format(
                Locale.ROOT,
                "`PageWorkLatencyWorkload`: one shard, front cache off, hugify delay and "
                        + "purge interval 1 s. A probe times %s `allocate` + `free` pairs (two asks) for %.1f s on the idle "
                        + "shard, then %.1f s while a churn thread on the same shard grows %s, holds it, frees 90 %% and waits "
                        + "for the purge, cycle after cycle; each probe pair is filed by the page calls that overlapped it.%n%n",
                Fmt.size(LatencyProbe.BYTES),
                options.pageWorkLatency().phaseMillis() / 1000.0,
                options.pageWorkLatency().phaseMillis() / 1000.0,
                Fmt.mib(options.pageWorkLatency().workingSetBytes())));
        scaling.appendPageWorkLatency(md);

        md.append("\n## Memory quality\n\n");
        MemoryWorkloadSpec spec = options.memoryWorkload();
        md.append(String.format(
                Locale.ROOT,
                """
                Each allocator runs alone in a fresh JVM (`-Xms256m -Xmx256m -XX:+AlwaysPreTouch`, so the heap \
                is resident before the baseline) with the same workload and seed. Before the baseline it warms up \
                (as many frees and allocations as the churn, on 64 blocks, all freed again; then the final \
                reading's wait), so that loading and compiling its code are not counted as memory. Then: grow to \
                %s live in blocks of 1 to 16 pages (uniform), touching every page; churn %,d times (free a random block, allocate a new \
                one); hold %.0f s (longer than hpa4j's 10 s hugify delay); read smaps_rollup (**loaded**); free 90 %% \
                in random order; wait %.0f s (hpa4j's 5 s purge interval and a margin); read again (**final**). \
                Rss and AnonHugePages are process-wide deltas over the baseline taken just before the workload; \
                **peak** is the highest Rss sampled every 100 ms. Coverage = AnonHugePages / Rss, loaded. \
                Returned = (loaded Rss − final Rss) / freed bytes. allocateDirect memory can only come back \
                through a GC: the workload calls `System.gc()` once after the frees, which a real application \
                would have to wait for. The JVM's own C heap is trimmed before every reading (`malloc_trim(0)`) and \
                once a second (`-XX:TrimNativeHeapInterval=1000`), in every JVM: the compiler's freed scratch, which \
                glibc would otherwise keep, is not the allocator's; Arena and allocateDirect, glibc's malloc \
                underneath, get the same trim. hpa4j variants: reference settings except the hugify style and shard \
                count.

                """,
                Fmt.mib(spec.workingSetBytes()),
                spec.churnOps(),
                spec.holdMillis() / 1000.0,
                spec.waitMillis() / 1000.0));
        memory.appendTo(md);
        java.util.Map<String, String> labels = new java.util.LinkedHashMap<>();
        MemoryVariant.ALL.forEach(v -> labels.put(v.id(), v.label()));
        ReportCharts.timelines(
                pictures.resolve("memory-timeline.png"),
                "Memory quality workload: Rss and hugepage " + "coverage over time (process-wide, over the baseline)",
                results.timelines(),
                labels);
        md.append("\n![Rss and hugepage coverage over time](").append(PICTURES).append("/memory-timeline.png)\n");

        RandomAccessSpec access = options.randomAccess();
        RandomAccessTables randomAccess = new RandomAccessTables(results.randomAccess());
        md.append("\n## The memory itself: random access\n\n");
        md.append(String.format(
                Locale.ROOT,
                """
                `RandomAccessWorkload`, each allocator alone in a fresh JVM: allocate the working set as 64 KiB \
                blocks (the largest hpa4j serves, so every allocator gets the same requests), fill it, wait %.0f s \
                (longer than hpa4j's 10 s hugify delay, for every allocator) and then until AnonHugePages of the \
                working set stop changing (readings 1 s apart agree; at most %.0f s in all: hpa4j collapses a large \
                working set slab by slab, and a loop timed meanwhile would measure the collapse), then %,d random \
                8-byte accesses of \
                each kind, after a warm-up of a tenth as many: **independent reads** (the CPU overlaps the misses), \
                **dependent reads** (each address is computed from the value just read: every TLB and cache miss \
                is paid in full) and **independent writes**. Time per access; "× allocateDirect" = allocateDirect's \
                time ÷ this row's, same working set (above 1× is faster). Hugepage coverage = AnonHugePages ÷ Rss \
                of the VMAs holding the blocks (smaps, prorated where a VMA also holds other data), read after the \
                loops.

                """,
                access.settleMillis() / 1000.0,
                RandomAccessWorkload.SETTLE_LIMIT_FACTOR * access.settleMillis() / 1000.0,
                access.accesses()));
        randomAccess.appendTo(md);
        java.util.Map<String, java.util.Map<String, Double>> speedUps = new java.util.LinkedHashMap<>();
        for (MemoryResult r : randomAccess.rows()) {
            for (int i = 0; i < RandomAccessTables.PATTERNS.size(); i++) {
                speedUps.computeIfAbsent(MemoryVariant.byId(r.variant()).label(), k -> new java.util.LinkedHashMap<>())
                        .put(
                                RandomAccessTables.PATTERN_LABELS.get(i) + ", " + Fmt.mib(r.get("workingSet")),
                                randomAccess.speedUp(r, RandomAccessTables.PATTERNS.get(i)));
            }
        }
        ReportCharts.bars(
                pictures.resolve("random-access.png"),
                "Random access: speed-up over allocateDirect's memory " + "(log scale)",
                "× allocateDirect",
                speedUps);
        md.append("\n![random access × allocateDirect](").append(PICTURES).append("/random-access.png)\n");

        MixedSizesSpec mixed = options.mixedSizes();
        md.append("\n## Mixed sizes, 16 B to 16 MiB\n\n");
        md.append(String.format(
                Locale.ROOT, """
                `MixedSizesWorkload`, each allocator alone in a fresh JVM, sizes log-uniform from 16 B to 16 MiB \
                (same seed for all). Memory first: grow to %s live, touching every page, read Rss (**loaded**, over \
                the baseline); free 90 %% in random order, wait %.1f s, read again (**final**); coverage = \
                AnonHugePages ÷ Rss, loaded. Then speed: %,d operations against a ring of 64 live blocks, each \
                freeing the oldest and allocating a new block and touching its pages (so reuse of resident memory \
                shows as saved page faults); p50/p99/p99.9 of one operation. Every JVM has a pre-touched 256 MiB heap (`-XX:+AlwaysPreTouch`), so the heap is \
                resident before the baseline, and its C heap trimmed before every reading and once a second, as in \
                the memory-quality runs; allocateDirect runs with a 1 GiB direct-memory limit, which makes its GCs \
                free buffers.

                """, Fmt.mib(mixed.liveBytes()), mixed.waitMillis() / 1000.0, mixed.pairs()));
        new MixedSizesTables(results.mixedSizes()).appendTo(md);
        EverySizeTables.appendTo(md, new SpeedTables(results.everySize()));

        md.append("\n## Verdict\n\n");
        note.appendVerdicts(md);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString());
    }

    /** A run that starts above this 1-minute load per core says so at the top of the report. */
    static final double BUSY_LOAD_PER_CORE = 0.5;

    /** The first 1-minute load average in the text, or 0 when there is none. */
    static double startLoad1(String load) {
        try {
            return Double.parseDouble(load.trim().split(" ", -1)[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether any 1-minute load average in the text (one per reading) exceeded the cores. */
    static boolean busy(String load, int cores) {
        for (String reading : load.split(",", -1)) {
            String[] fields = reading.trim().split(" ", -1);
            try {
                if (Double.parseDouble(fields[0]) > cores) {
                    return true;
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }
}
