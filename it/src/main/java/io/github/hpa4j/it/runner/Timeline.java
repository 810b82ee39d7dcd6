package io.github.hpa4j.it.runner;

import java.util.ArrayList;
import java.util.List;

/**
 * The run over time: samples (one a second, plus one at each phase boundary, so that a phase that
 * lasts less than a second still shows) and when each phase ran. Thread-safe: the progress
 * reporter adds samples while the runner marks phases.
 */
final class Timeline {
    /** When a phase ran, in seconds since the workload started. */
    record PhaseSpan(Phase phase, double startSeconds, double endSeconds) {
        double seconds() {
            return endSeconds - startSeconds;
        }
    }

    private final List<Sample> samples = new ArrayList<>();
    private final List<PhaseSpan> spans = new ArrayList<>();

    synchronized void add(Sample sample) {
        samples.add(sample);
    }

    synchronized void phaseRan(Phase phase, double startSeconds, double endSeconds) {
        spans.add(new PhaseSpan(phase, startSeconds, endSeconds));
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    synchronized List<PhaseSpan> spans() {
        return List.copyOf(spans);
    }

    synchronized PhaseSpan span(Phase phase) {
        return spans.stream().filter(s -> s.phase() == phase).findFirst().orElse(null);
    }

    /** The sample with the most Rss, or null before the first sample. */
    synchronized Sample peakRss() {
        return samples.stream().max((a, b) -> Long.compare(a.rss(), b.rss())).orElse(null);
    }

    synchronized Sample peakProcessRss() {
        return samples.stream()
                .max((a, b) -> Long.compare(a.processRss(), b.processRss()))
                .orElse(null);
    }
}
