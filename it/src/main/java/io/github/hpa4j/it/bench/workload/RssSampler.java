package io.github.hpa4j.it.bench.workload;

import io.github.hpa4j.bridge.SmapsReader;
import io.github.hpa4j.bridge.SmapsReading;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads smaps_rollup every 100 ms on a daemon thread and keeps the peaks (readProcess costs ~1.5 ms)
 * and every sample since {@link #start()}, for the report's Rss-over-time picture.
 */
final class RssSampler implements AutoCloseable {
    private final SmapsReader reader = new SmapsReader();
    private final Thread thread = new Thread(this::run, "rss-sampler");
    private volatile boolean running = true;
    private volatile long peakRss;
    private volatile long peakAnonHuge;
    private final List<long[]> samples = new ArrayList<>();
    private long startNanos;

    RssSampler() {
        thread.setDaemon(true);
    }

    SmapsReading read() {
        SmapsReading reading = reader.readProcess();
        note(reading);
        return reading;
    }

    void start() {
        startNanos = System.nanoTime();
        thread.start();
    }

    private void run() {
        while (running) {
            SmapsReading reading = read();
            synchronized (this) {
                samples.add(
                        new long[] {(System.nanoTime() - startNanos) / 1_000_000, reading.rss(), reading.anonHugePages()
                        });
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void note(SmapsReading reading) {
        peakRss = Math.max(peakRss, reading.rss());
        peakAnonHuge = Math.max(peakAnonHuge, reading.anonHugePages());
    }

    /** {@code millis since start, Rss, AnonHugePages} per sample. */
    synchronized List<long[]> samples() {
        return List.copyOf(samples);
    }

    long peakRss() {
        return peakRss;
    }

    long peakAnonHuge() {
        return peakAnonHuge;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
