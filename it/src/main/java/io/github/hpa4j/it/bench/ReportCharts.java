package io.github.hpa4j.it.bench;

import io.github.hpa4j.it.bench.workload.MemoryTimeline;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's pictures, rendered headless to PNG: ratio tables as grouped bar charts (log scale,
 * with the 1× line, since ratios span orders of magnitude) and Rss and hugepage coverage over time.
 * Every series has its own colour from one fixed palette, so the same allocator keeps its colour
 * across the charts of one report.
 */
final class ReportCharts {
    /** Distinct colours (Tableau 10 and a few more), enough for every allocator of the suite. */
    static final List<Color> PALETTE = List.of(
            new Color(0x1F77B4),
            new Color(0xFF7F0E),
            new Color(0x2CA02C),
            new Color(0xD62728),
            new Color(0x9467BD),
            new Color(0x8C564B),
            new Color(0xE377C2),
            new Color(0x7F7F7F),
            new Color(0xBCBD22),
            new Color(0x17BECF),
            new Color(0x393B79),
            new Color(0xAD494A),
            new Color(0x637939),
            new Color(0x843C39));

    private ReportCharts() {}

    /**
     * One group of bars per category (e.g. "4 KiB, 1 thread"), one bar per series (allocator).
     *
     * @param values series → category → value; missing values leave a gap
     */
    static void bars(Path png, String title, String axisLabel, Map<String, Map<String, Double>> values)
            throws IOException {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        values.forEach((series, byCategory) -> byCategory.forEach((category, value) -> {
            if (value != null && value > 0 && Double.isFinite(value)) {
                dataset.addValue(value, series, category);
            }
        }));
        LogAxis axis = new LogAxis(axisLabel);
        axis.setSmallestValue(1e-4);
        axis.setTickUnit(new NumberTickUnit(1)); // one tick per power of ten
        axis.setNumberFormatOverride(new java.text.DecimalFormat("0.####"));
        CategoryAxis categories = new CategoryAxis();
        categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.02);
        // A bar starts at 0, which a log axis cannot show: fit the axis to the values instead.
        renderer.setIncludeBaseInRange(false);
        for (int i = 0; i < dataset.getRowCount(); i++) {
            renderer.setSeriesPaint(i, PALETTE.get(i % PALETTE.size()));
        }
        CategoryPlot plot = new CategoryPlot(dataset, categories, axis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ValueMarker one = new ValueMarker(1.0, Color.BLACK, new BasicStroke(1.5f));
        plot.addRangeMarker(one);
        save(png, plot(title, plot), 1400, 700);
    }

    /** Rss (MiB) on top and hugepage coverage (%) below, one line per run, same colour in both. */
    static void timelines(Path png, String title, List<MemoryTimeline> timelines, Map<String, String> labels)
            throws IOException {
        XYSeriesCollection rss = new XYSeriesCollection();
        XYSeriesCollection coverage = new XYSeriesCollection();
        for (MemoryTimeline timeline : timelines) {
            String label = labels.getOrDefault(timeline.variant(), timeline.variant());
            XYSeries r = new XYSeries(label);
            XYSeries c = new XYSeries(label);
            for (long[] sample : timeline.samples()) {
                double seconds = sample[0] / 1000.0;
                r.add(seconds, sample[1] / 1048576.0);
                c.add(seconds, sample[1] <= 0 ? 0 : Math.max(0, 100.0 * sample[2] / sample[1]));
            }
            rss.addSeries(r);
            coverage.addSeries(c);
        }
        NumberAxis time = new NumberAxis("seconds since the workload started");
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(time);
        combined.setGap(12);
        combined.add(linePlot(rss, new NumberAxis("Rss over baseline (MiB)"), true), 3);
        NumberAxis percent = new NumberAxis("hugepage coverage (%)");
        percent.setRange(0, 105);
        combined.add(linePlot(coverage, percent, false), 2);
        save(png, plot(title, combined), 1400, 900);
    }

    /** @param inLegend false for the lower plot of a pair: the same runs in the same colours, named once */
    private static XYPlot linePlot(XYSeriesCollection data, ValueAxis axis, boolean inLegend) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setDefaultSeriesVisibleInLegend(inLegend);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, PALETTE.get(i % PALETTE.size()));
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, null, axis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }

    private static JFreeChart plot(String title, org.jfree.chart.plot.Plot plot) {
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM); // room for long labels, which a side legend clips
        return chart;
    }

    private static void save(Path png, JFreeChart chart, int width, int height) throws IOException {
        // No display is needed or wanted; must be set before the first AWT class loads.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
    }
}
