package io.github.hpa4j.it.bench;

import io.github.hpa4j.bridge.SmapsReader;
import io.github.hpa4j.bridge.SmapsReading;

/** Reads smaps_rollup every 100 ms on a daemon thread and keeps the peaks (readProcess costs ~1.5 ms). */
final class RssSampler implements AutoCloseable {
    private final SmapsReader reader = new SmapsReader();
    private final Thread thread = new Thread(this::run, "rss-sampler");
    private volatile boolean running = true;
    private volatile long peakRss;
    private volatile long peakAnonHuge;

    RssSampler() {
        thread.setDaemon(true);
    }

    SmapsReading read() {
        SmapsReading reading = reader.readProcess();
        note(reading);
        return reading;
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            read();
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
