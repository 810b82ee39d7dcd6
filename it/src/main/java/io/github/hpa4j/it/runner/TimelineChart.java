package io.github.hpa4j.it.runner;

import io.github.hpa4j.it.text.Fmt;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The run as a picture: memory over time (live, Rss and AnonHugePages of hpa4j's mappings in MiB,
 * dirty pages on a second axis) on top, ops/s and the cumulative purge and hugify counts below, the
 * phases as shaded bands: the quantities, names and units of the progress lines. Rendered headless
 * to a PNG.
 */
final class TimelineChart {
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 900;
    private static final Map<Phase, Color> PHASE_COLORS = Map.of(
            Phase.GROW,
            new Color(0xE3F2FD),
            Phase.CHURN,
            new Color(0xFFF8E1),
            Phase.FREE,
            new Color(0xFCE4EC),
            Phase.IDLE,
            new Color(0xE8F5E9));

    /** One colour per series across all three panels, so that the legend names each line once. */
    static final Color RSS = new Color(0x1565C0);

    static final Color LIVE = new Color(0x2E7D32);
    static final Color ANON_HUGE = new Color(0x6A1B9A);
    static final Color DIRTY = new Color(0xE65100);
    static final Color OPS = new Color(0x37474F);
    static final Color HUGIFIES = new Color(0xC2185B);
    static final Color PURGES = new Color(0x00838F);
    static final Color DEHUGIFIES = new Color(0x8D6E63);

    /** Label rows stacked under one another; each row is this many pixels lower. */
    private static final int LABEL_ROW_PIXELS = 18;
    /** The plot's width in pixels, roughly: the chart minus axes and legend margins. */
    private static final double PLOT_PIXELS = WIDTH - 160;
    /** Bold 13 pt labels: about this many pixels per character, with a margin. */
    private static final double LABEL_CHAR_PIXELS = 8.5;

    /** The progress lines' compact counts ("38.2k", "1.23M") on the ops/s axis. */
    private static final java.text.NumberFormat COUNT_FORMAT = new java.text.NumberFormat() {
        @Override
        public StringBuffer format(double number, StringBuffer toAppendTo, java.text.FieldPosition pos) {
            return toAppendTo.append(Fmt.rate(number));
        }

        @Override
        public StringBuffer format(long number, StringBuffer toAppendTo, java.text.FieldPosition pos) {
            return toAppendTo.append(Fmt.rate((double) number));
        }

        @Override
        public Number parse(String source, java.text.ParsePosition parsePosition) {
            throw new UnsupportedOperationException("format only");
        }
    };

    private TimelineChart() {}

    static void render(RunData run, Path png) throws IOException {
        // No display is needed or wanted; must be set before the first AWT class loads.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        JFreeChart chart = chart(run);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }

    static JFreeChart chart(RunData run) {
        List<Sample> samples = run.timeline().samples();
        NumberAxis time = new NumberAxis("seconds since start");
        if (!samples.isEmpty()) {
            time.setRange(0, Math.max(samples.getLast().seconds(), 1));
        }
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(time);
        combined.setGap(12);

        // The names and units of the progress lines: live, Rss, AnonHugePages in MiB; dirty in pages;
        // ops/s; purges (passes) and hugifies as counts so far.
        XYPlot memory = plot(
                new NumberAxis("MiB"),
                new XYLineAndShapeRenderer(true, false),
                series("Rss (hpa4j mappings)", samples, s -> Fmt.inMib(s.rss())),
                series("live", samples, s -> Fmt.inMib(s.liveBytes())),
                series("AnonHugePages", samples, s -> Fmt.inMib(s.anonHugePages())));
        colors(memory, RSS, LIVE, ANON_HUGE);
        memory.getRenderer().setSeriesStroke(0, new BasicStroke(4f));
        NumberAxis pages = new NumberAxis("dirty (pages)");
        pages.setAutoRangeIncludesZero(true);
        memory.setRangeAxis(1, pages);
        XYSeriesCollection dirty =
                new XYSeriesCollection(series("dirty (pages)", samples, s -> (double) s.dirtyPages()));
        memory.setDataset(1, dirty);
        memory.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer dirtyRenderer = new XYLineAndShapeRenderer(true, false);
        dirtyRenderer.setSeriesPaint(0, DIRTY);
        dirtyRenderer.setSeriesStroke(
                0, new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {3f, 3f}, 0f));
        memory.setRenderer(1, dirtyRenderer);
        shadePhases(memory, run.timeline(), true);
        combined.add(memory, 5);

        NumberAxis opsAxis = new NumberAxis("ops/s");
        opsAxis.setNumberFormatOverride(COUNT_FORMAT);
        XYPlot throughput = plot(opsAxis, new XYLineAndShapeRenderer(true, false), throughputSeries(samples));
        colors(throughput, OPS);
        shadePhases(throughput, run.timeline(), false);
        combined.add(throughput, 2);

        XYPlot work = plot(
                new NumberAxis("count so far"),
                new XYStepRenderer(),
                series("hugifies", samples, s -> (double) s.hugifies()),
                series("purges", samples, s -> (double) s.purgePasses()),
                series("dehugifies", samples, s -> (double) s.dehugifies()));
        colors(work, HUGIFIES, PURGES, DEHUGIFIES);
        // Dehugifies often equal hugifies at the end: dashed, so the two lines stay distinguishable.
        work.getRenderer()
                .setSeriesStroke(
                        2,
                        new BasicStroke(
                                2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {8f, 6f}, 0f));
        shadePhases(work, run.timeline(), false);
        combined.add(work, 2);

        RunnerOptions o = run.options();
        JFreeChart chart = new JFreeChart(
                String.format(
                        Locale.ROOT,
                        "hpa4j workload: %s working set, %d clients, %d shards, hugify style %s",
                        Fmt.bytes(o.workingSet()),
                        o.clients(),
                        o.settings().shards(),
                        o.settings().hugifyStyle().name().toLowerCase(Locale.ROOT)),
                new Font(Font.SANS_SERIF, Font.BOLD, 18),
                combined,
                true);
        chart.addSubtitle(new TextTitle(subtitle(run), new Font(Font.SANS_SERIF, Font.PLAIN, 13)));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static String subtitle(RunData run) {
        Sample peak = run.timeline().peakRss();
        List<Sample> samples = run.timeline().samples();
        Sample last = samples.isEmpty() ? null : samples.getLast();
        if (peak == null || last == null) {
            return "no samples";
        }
        return String.format(
                Locale.ROOT,
                "Java %s, sizes %s..%s; peak Rss %s (%s hugepages), final Rss %s, dirty %s; %d hugifies, %d purge passes",
                Runtime.version().feature(),
                Units.flagBytes(run.options().minSize()),
                Units.flagBytes(run.options().maxSize()),
                Fmt.bytes(peak.rss()),
                Fmt.percent(peak.hugepageCoverage(), 1),
                Fmt.bytes(last.rss()),
                Fmt.bytes(last.dirtyBytes()),
                last.hugifies(),
                last.purgePasses());
    }

    private static XYPlot plot(NumberAxis axis, XYLineAndShapeRenderer renderer, XYSeries... series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (XYSeries s : series) {
            data.addSeries(s);
        }
        axis.setAutoRangeIncludesZero(true);
        XYPlot plot = new XYPlot(data, null, axis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        for (int i = 0; i < series.length; i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2.5f));
        }
        return plot;
    }

    private static void colors(XYPlot plot, Color... colors) {
        for (int i = 0; i < colors.length; i++) {
            plot.getRenderer().setSeriesPaint(i, colors[i]);
        }
    }

    /**
     * Each phase as a shaded band, with a thin line and (on the top plot) a label at its start. The
     * labels are foreground markers: a background label would be painted over by the next band.
     */
    private static void shadePhases(XYPlot plot, Timeline timeline, boolean labelled) {
        List<Timeline.PhaseSpan> spans = timeline.spans();
        int[] rows = labelRows(
                spans,
                timeline.samples().isEmpty() ? 1 : timeline.samples().getLast().seconds());
        for (int i = 0; i < spans.size(); i++) {
            Timeline.PhaseSpan span = spans.get(i);
            IntervalMarker band =
                    new IntervalMarker(span.startSeconds(), Math.max(span.endSeconds(), span.startSeconds() + 0.05));
            band.setPaint(PHASE_COLORS.get(span.phase()));
            plot.addDomainMarker(band, Layer.BACKGROUND);

            ValueMarker start = new ValueMarker(
                    span.startSeconds(),
                    Color.GRAY,
                    new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
            if (labelled) {
                start.setLabel(labelText(span));
                start.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
                start.setLabelPaint(Color.DARK_GRAY);
                start.setLabelBackgroundColor(new Color(255, 255, 255, 170));
                start.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
                start.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                start.setLabelOffset(new RectangleInsets(4 + LABEL_ROW_PIXELS * rows[i], 4, 4, 4));
            }
            plot.addDomainMarker(start, Layer.FOREGROUND);
        }
    }

    /**
     * The row of each phase label: the first row whose previous label ends, in pixels, before this
     * one starts. Short phases sit side by side, so their labels would otherwise overlap.
     */
    static int[] labelRows(List<Timeline.PhaseSpan> spans, double totalSeconds) {
        double pixelsPerSecond = PLOT_PIXELS / Math.max(totalSeconds, 1);
        int[] rows = new int[spans.size()];
        List<Double> rowEnds = new java.util.ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            Timeline.PhaseSpan span = spans.get(i);
            double start = span.startSeconds() * pixelsPerSecond;
            double end = start + labelText(span).length() * LABEL_CHAR_PIXELS + 8;
            int row = 0;
            while (row < rowEnds.size() && rowEnds.get(row) > start) {
                row++;
            }
            if (row == rowEnds.size()) {
                rowEnds.add(end);
            } else {
                rowEnds.set(row, end);
            }
            rows[i] = row;
        }
        return rows;
    }

    static String labelText(Timeline.PhaseSpan span) {
        return String.format(Locale.ROOT, "%s %.1fs", span.phase().label(), span.seconds());
    }

    private static XYSeries series(String name, List<Sample> samples, java.util.function.ToDoubleFunction<Sample> y) {
        XYSeries series = new XYSeries(name, true, true);
        for (Sample s : samples) {
            series.addOrUpdate(s.seconds(), y.applyAsDouble(s));
        }
        return series;
    }

    /** Operations per second between consecutive samples, at the later one. */
    private static XYSeries throughputSeries(List<Sample> samples) {
        XYSeries series = new XYSeries("ops/s (alloc + free)", true, true);
        for (int i = 1; i < samples.size(); i++) {
            Sample a = samples.get(i - 1);
            Sample b = samples.get(i);
            double dt = b.seconds() - a.seconds();
            if (dt >= 0.2) { // boundary samples a few ms apart would spike meaninglessly
                series.addOrUpdate(b.seconds(), (b.operations() - a.operations()) / dt);
            }
        }
        return series;
    }
}
