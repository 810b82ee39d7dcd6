package io.github.hpa4j.it.bench.workload;

import akka.actor.typed.ActorSystem;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.bridge.SystemClock;
import io.github.hpa4j.it.bench.BenchAkka;
import io.github.hpa4j.it.bench.MemoryResult;
import io.github.hpa4j.it.bench.SuiteOptions;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * Allocation latency on one shard while its slabs are purged and hugified, against the same shard
 * idle. One shard, front cache off (every allocation reaches the shard), reference settings but a
 * 1 s hugify delay and a 1 s purge interval so that page work happens within seconds. Phase one: the
 * {@link LatencyProbe} alone. Phase two: the probe while a churn thread on the same shard grows a
 * working set (touched), holds it past the hugify delay, frees 90 % and waits for the purge, again
 * and again; each probe pair is filed by the page calls that overlapped it. Started by the suite:
 * {@code PageWorkLatencyWorkload <phaseMillis> <workingSetBytes>}.
 */
public final class PageWorkLatencyWorkload {
    private static final int CHURN_BLOCK = 64 * 1024;

    private PageWorkLatencyWorkload() {}

    public static void main(String[] args) throws Exception {
        long phaseMillis = Long.parseLong(args[0]);
        long workingSet = Long.parseLong(args[1]);
        ActorSystem<Void> system = BenchAkka.start("page-work-latency", """
                hpa4j.shards = 1
                hpa4j.cache.enabled = off
                hpa4j.hugify-delay = 1s
                hpa4j.min-purge-interval = 1s
                """);
        Hpa4jSettings settings = Hpa4jSettings.fromConfig(system.settings().config());
        WatchedPageHooks hooks = new WatchedPageHooks(PageHooksFactory.create(settings.hugifyStyle()));
        Hpa4j hpa4j = Hpa4j.start(system, settings, hooks, SystemClock.INSTANCE);
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            LatencyProbe idle = new LatencyProbe(hpa4j, hooks);
            idle.start();
            Thread.sleep(phaseMillis);
            idle.close();
            put(out, "idleShard", idle.idle());

            LatencyProbe busy = new LatencyProbe(hpa4j, hooks);
            Churn churn = new Churn(hpa4j, workingSet);
            churn.start();
            busy.start();
            Thread.sleep(phaseMillis);
            busy.close();
            churn.stop();
            put(out, "churnOnly", busy.idle());
            put(out, "purge", busy.duringPurge());
            put(out, "hugify", busy.duringHugify());
            out.put("cycles", churn.cycles);
        } finally {
            BenchAkka.stop(system, hpa4j);
        }
        new MemoryResult("page-work-latency", out).printAndExit();
    }

    private static void put(Map<String, Long> out, String name, Histogram histogram) {
        out.put(name + "Count", histogram.getTotalCount());
        if (histogram.getTotalCount() > 0) {
            out.put(name + "P50", histogram.getValueAtPercentile(50));
            out.put(name + "P99", histogram.getValueAtPercentile(99));
            out.put(name + "P999", histogram.getValueAtPercentile(99.9));
        }
    }

    /** Grow, hold past the hugify delay, free 90 %, wait for the purge, free the rest; until stopped. */
    private static final class Churn {
        private final Hpa4j hpa4j;
        private final long workingSet;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long cycles;

        Churn(Hpa4j hpa4j, long workingSet) {
            this.hpa4j = hpa4j;
            this.workingSet = workingSet;
            this.thread = new Thread(this::run, "churn");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(30_000);
        }

        // cycles has one writer, this thread; volatile only so that the reader sees it fresh.
        @SuppressWarnings("NonAtomicVolatileUpdate")
        private void run() {
            Random random = new Random(SuiteOptions.SEED);
            try {
                while (running) {
                    List<Allocation> held = new ArrayList<>();
                    for (long live = 0; live < workingSet; live += CHURN_BLOCK) {
                        Allocation allocation = hpa4j.allocateNow(CHURN_BLOCK);
                        for (long offset = 0; offset < CHURN_BLOCK; offset += MemorySubject.PAGE) {
                            allocation.segment().set(ValueLayout.JAVA_BYTE, offset, (byte) 1);
                        }
                        held.add(allocation);
                    }
                    pause(1_200);
                    Collections.shuffle(held, random);
                    int victims = held.size() * 9 / 10;
                    hpa4j.freeBatch(held.subList(0, victims))
                            .toCompletableFuture()
                            .join();
                    pause(1_200);
                    hpa4j.freeBatch(held.subList(victims, held.size()))
                            .toCompletableFuture()
                            .join();
                    cycles++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits while the shard's timers run page work; returns early when the phase ends. */
        private void pause(long millis) throws InterruptedException {
            long end = System.currentTimeMillis() + millis;
            while (running && System.currentTimeMillis() < end) {
                Thread.sleep(50);
            }
        }
    }
}
