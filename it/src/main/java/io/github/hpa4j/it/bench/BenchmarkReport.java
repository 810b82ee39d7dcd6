package io.github.hpa4j.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Writes docs/BENCHMARKS.md: how it was run, where, the tables, the headline and the closing note. */
final class BenchmarkReport {
    static final String COMMAND = "mvn -B -q -pl it -am verify -DskipTests -Pbench";

    private BenchmarkReport() {
    }

    static void write(Path out, SuiteOptions options, MachineInfo machine, String load, Duration elapsed,
                      List<String> forkJvmArgs, List<SpeedRow> speedRows, List<MemoryResult> memoryResults)
            throws IOException {
        SpeedTables speed = new SpeedTables(speedRows);
        MemoryTables memory = new MemoryTables(memoryResults);
        ClosingNote note = new ClosingNote(speed, memory, busy(load, machine.cores()));
        StringBuilder md = new StringBuilder();
        md.append("# hpa4j benchmarks\n\n");
        md.append("Written by `io.github.hpa4j.it.bench.BenchmarkSuite`; do not edit by hand, run it again:\n\n");
        md.append("```\n").append(COMMAND).append("\n```\n\n");
        md.append("It takes about ten minutes. CI runs the same suite in smoke mode (`BenchmarkSmokeTest`, part of "
                + "`mvn verify`), which only proves that everything runs.");
        if (options.smoke()) {
            md.append("\n\n**This file is from a smoke run: the numbers are not measurements.**");
        }
        md.append("\n\n## Machine\n\n| | |\n|---|---|\n");
        row(md, "CPU", machine.cpu() + " × " + machine.cores());
        row(md, "Memory", machine.memory());
        row(md, "Kernel", machine.kernel());
        row(md, "THP enabled / defrag", "`" + machine.thpEnabled() + "` / `" + machine.thpDefrag() + "`");
        row(md, "JDK", machine.jdk());
        row(md, "Load average (1/5/15 min)", load + " (" + machine.cores()
                + " cores; anything above ~1 is other work competing with the benchmarks)");
        row(md, "Date", ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
        row(md, "Suite", (options.smoke() ? "smoke" : "full") + ", "
                + String.format(Locale.ROOT, "%.1f min", elapsed.toMillis() / 60000.0));
        row(md, "JMH", "1.37, sample mode, 1 fork, 1 × " + options.warmup() + " warm-up, 1 × "
                + options.measurement() + " measurement, threads " + options.threads() + ", fork flags `"
                + String.join(" ", forkJvmArgs) + "`");

        md.append("\n## Headline\n\n");
        note.appendHeadline(md);

        md.append("\n## Speed\n\n");
        md.append("""
                What is measured:

                - **hpa4j facade + front cache**: `Hpa4j.allocateNow`/`freeNow` (`allocateBatch`/`freeBatch` for \
                batches) with the reference settings, front cache on: a pair is served from the thread's cache; \
                a miss is one batch refill, an overflowing bin one batch flush.
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
                - **Floors**: two asks to an echo actor, and two ping-pong round trips between two actors: the \
                same messages as a pair or a batch with no allocator behind them.

                No allocator here touches the memory it hands out, except that allocateDirect and Arena zero it.

                """);
        speed.appendTo(md);

        md.append("\n## Memory quality\n\n");
        MemoryWorkloadSpec spec = options.memoryWorkload();
        md.append(String.format(Locale.ROOT, """
                Each allocator runs alone in a fresh JVM (`-Xms256m -Xmx256m -XX:+AlwaysPreTouch`, so the heap \
                is resident before the baseline) with the same workload and seed: grow to %s live in blocks of 1 \
                to 16 pages (uniform), touching every page; churn %,d times (free a random block, allocate a new \
                one); hold %.0f s (longer than hpa4j's 10 s hugify delay); read smaps_rollup (**loaded**); free 90 %% \
                in random order; wait %.0f s (hpa4j's 5 s purge interval and a margin); read again (**final**). \
                Rss and AnonHugePages are process-wide deltas over the baseline taken just before the workload; \
                **peak** is the highest Rss sampled every 100 ms. Coverage = AnonHugePages / Rss, loaded. \
                Returned = (loaded Rss − final Rss) / freed bytes. allocateDirect memory can only come back \
                through a GC: the workload calls `System.gc()` once after the frees, which a real application \
                would have to wait for. hpa4j variants: reference settings except the hugify style and shard count.

                """, Fmt.mib(spec.workingSetBytes()), spec.churnOps(), spec.holdMillis() / 1000.0,
                spec.waitMillis() / 1000.0));
        memory.appendTo(md);

        md.append("\n## Closing note\n\n");
        note.appendHeadline(md);
        md.append('\n');
        note.appendNote(md);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString());
    }

    /** Whether any 1-minute load average in the text (one per reading) exceeded the cores. */
    static boolean busy(String load, int cores) {
        for (String reading : load.split(",")) {
            String[] fields = reading.trim().split(" ");
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
