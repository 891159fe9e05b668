package occam.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The paper's aggregated figures: per task, the regimes overlaid, each as the mean across its seeds with a
 * standard-error band ({@link SeedBands}; the legend names n, the number of seeds).
 */
final class AggregateFigures {

    /** The five figures of one task, in the order the index shows them, with their file-name prefixes. */
    static final List<String> KINDS = List.of("mean-complexity", "mean-description-length", "mean-generalization-bound",
            "mean-effective-rank", "mean-quantization-only");

    private AggregateFigures() {}

    /** File name (without .png) to chart: for each task (by name), {@link #KINDS} in order, named kind-task. */
    static Map<String, Map<String, XYChart>> byTask(ReportData.Loaded data) {
        Map<String, Map<String, List<RunSeries>>> tasks = new TreeMap<>();
        for (RunSeries run : data.runs()) {
            tasks.computeIfAbsent(run.task(), t -> new TreeMap<>(Comparator.comparingInt(ChartStyle::regimeOrder)
                    .thenComparing(Comparator.naturalOrder()))).computeIfAbsent(run.regime(), r -> new java.util.ArrayList<>()).add(run);
        }
        Map<String, Map<String, XYChart>> out = new LinkedHashMap<>();
        tasks.forEach((task, regimes) -> {
            Map<String, XYChart> charts = new LinkedHashMap<>();
            String eps = Figures.fmt(data.epsilon());
            charts.put("mean-complexity-" + task, complexityAndAccuracy(task, regimes, eps));
            charts.put("mean-description-length-" + task, meanOf(task, regimes,
                    task + ": total description length, complexity + data bits (paper Fig. 4)", "bits (log scale)", true,
                    RunSeries::totalDescriptionBits, null));
            charts.put("mean-generalization-bound-" + task, meanOf(task, regimes,
                    task + ": generalization bound on the error rate (paper Fig. 5, delta = 0.05)",
                    "error-rate bound (log scale; vacuous at 1 and above)", true, RunSeries::generalizationBound, 1.0));
            charts.put("mean-effective-rank-" + task, meanOf(task, regimes,
                    task + ": effective rank, mean over weight matrices (paper Fig. 8)", "effective rank exp(H)", false,
                    RunSeries::effectiveRank, null));
            charts.put("mean-quantization-only-" + task, quantizationOnly(task, regimes, eps));
            out.put(task, charts);
        });
        return out;
    }

    private static SeedBands bands(String task, String regime, List<RunSeries> runs, Function<RunSeries, double[]> x,
            Function<RunSeries, double[]> y) {
        return SeedBands.of(task, regime, runs, r -> new SeedBands.Series(x.apply(r), y.apply(r)));
    }

    /** Paper Figs. 1, 2, 10: complexity (left) with the band; mean train (dashed) and test (dotted) accuracy (right). */
    static XYChart complexityAndAccuracy(String task, Map<String, List<RunSeries>> regimes, String eps) {
        XYChart chart = ChartStyle.chart(task + ": complexity and accuracy, mean \u00b1 standard error across seeds",
                "epoch (log scale)", "complexity (bytes, epsilon = " + eps + " nats)");
        chart.setYAxisGroupTitle(1, "accuracy (mean across seeds)");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.getStyler().setYAxisMin(1, 0.0);
        chart.getStyler().setYAxisMax(1, 1.0);
        // no per-group decimal pattern: XChart 3.8.8 applies one group's pattern to the other axis's labels
        chart.getStyler().setYAxisMin(0, 0.0);
        Range x = new Range();
        regimes.forEach((regime, runs) -> {
            Color color = ChartStyle.regimeColor(regime);
            SeedBands c = bands(task, regime, runs, RunSeries::steps, RunSeries::complexityBytes);
            ChartStyle.band(chart, c.label() + " complexity", c, color, true, false);
            x.add(c.x(), true);
            SeedBands train = bands(task, regime, runs, RunSeries::metricEpochs, RunSeries::trainAccuracy);
            SeedBands test = bands(task, regime, runs, RunSeries::metricEpochs, RunSeries::testAccuracy);
            accuracy(chart, train.label() + " train accuracy", train, color, new float[] {6f, 4f});
            accuracy(chart, test.label() + " test accuracy", test, color, new float[] {2f, 3f});
            x.add(train.x(), true);
        });
        ChartStyle.logXDecades(chart, x.lo, x.hi);
        return chart;
    }

    private static void accuracy(XYChart chart, String name, SeedBands b, Color color, float[] dash) {
        double[][] xy = positiveX(b.x(), b.mean());
        if (xy[0].length == 0) {
            return;
        }
        XYSeries s = chart.addSeries(name, xy[0], xy[1]);
        s.setYAxisGroup(1);
        s.setLineColor(color);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
    }

    /** One series per regime against the checkpoint epoch; {@code reference}, if set, a dashed horizontal line. */
    static XYChart meanOf(String task, Map<String, List<RunSeries>> regimes, String title, String yTitle, boolean logY,
            Function<RunSeries, double[]> column, Double reference) {
        XYChart chart = ChartStyle.chart(title, "epoch (log scale)", yTitle);
        Range x = new Range();
        Range y = new Range();
        regimes.forEach((regime, runs) -> {
            SeedBands b = bands(task, regime, runs, RunSeries::steps, column);
            if (ChartStyle.band(chart, b.label(), b, ChartStyle.regimeColor(regime), true, logY) != null) {
                x.add(b.x(), true);
                y.add(b.lower(), logY);
                y.add(b.upper(), logY);
            }
        });
        if (reference != null && x.seen()) {
            y.add(new double[] {reference}, logY);
            double[] d = ChartStyle.decades(x.lo, x.hi);
            XYSeries ref = chart.addSeries(Figures.fmt(reference) + " (vacuous at and above)", d, new double[] {reference, reference});
            ref.setLineColor(Color.BLACK);
            ref.setMarker(SeriesMarkers.NONE);
            ref.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 5f}, 0f));
        }
        ChartStyle.logXDecades(chart, x.lo, x.hi);
        if (logY) {
            ChartStyle.logYDecades(chart, y.lo, y.hi);
        }
        return chart;
    }

    /** Paper Fig. 7: per regime, quantization alone (dashed) against low-rank + quantization (solid), both banded. */
    static XYChart quantizationOnly(String task, Map<String, List<RunSeries>> regimes, String eps) {
        XYChart chart = ChartStyle.chart(task + ": quantization only vs low-rank + quantization, epsilon = " + eps
                + " nats (paper Fig. 7)", "epoch (log scale)", "complexity (bytes, log scale)");
        Range x = new Range();
        Range y = new Range();
        regimes.forEach((regime, runs) -> {
            Color color = ChartStyle.regimeColor(regime);
            SeedBands both = bands(task, regime, runs, RunSeries::steps, RunSeries::complexityBytes);
            SeedBands quant = bands(task, regime, runs, RunSeries::steps, RunSeries::quantizationOnlyBytes);
            for (SeedBands b : List.of(both, quant)) {
                String what = b == both ? " low-rank + quantization" : " quantization only";
                XYSeries line = ChartStyle.band(chart, b.label() + what, b, color, true, true);
                if (line != null) {
                    x.add(b.x(), true);
                    y.add(b.lower(), true);
                    y.add(b.upper(), true);
                    if (b == quant) {
                        line.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                                new float[] {6f, 4f}, 0f));
                        line.setMarker(SeriesMarkers.NONE);
                    }
                }
            }
        });
        ChartStyle.logXDecades(chart, x.lo, x.hi);
        ChartStyle.logYDecades(chart, y.lo, y.hi);
        return chart;
    }

    private static double[][] positiveX(double[] x, double[] y) {
        int[] keep = java.util.stream.IntStream.range(0, x.length).filter(i -> x[i] > 0 && Double.isFinite(y[i])).toArray();
        double[][] out = new double[2][keep.length];
        for (int k = 0; k < keep.length; k++) {
            out[0][k] = x[keep[k]];
            out[1][k] = y[keep[k]];
        }
        return out;
    }

    /** The positive (or, for a linear axis, finite) extent of what a chart draws. */
    private static final class Range {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;

        void add(double[] values, boolean positiveOnly) {
            for (double v : values) {
                if (Double.isFinite(v) && (!positiveOnly || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }

        boolean seen() {
            return lo <= hi;
        }
    }

    /** The tasks' regimes and seed counts, for the index: "none (n = 2), ours (n = 2)". */
    static String regimesOf(List<RunSeries> runs, String task) {
        return runs.stream().filter(r -> r.task().equals(task))
                .collect(Collectors.groupingBy(RunSeries::regime, () -> new TreeMap<>(Comparator.comparingInt(ChartStyle::regimeOrder)
                        .thenComparing(Comparator.naturalOrder())), Collectors.counting()))
                .entrySet().stream().map(e -> e.getKey() + " (n = " + e.getValue() + ")").collect(Collectors.joining(", "));
    }
}
