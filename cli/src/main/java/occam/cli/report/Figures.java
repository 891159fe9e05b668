package occam.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The paper's figures as XChart charts, one per file name; axes carry units, log where the paper uses log. */
final class Figures {

    private static final Color[] REGIME_COLORS = {new Color(0x4c72b0), new Color(0x55a868), new Color(0xc44e52),
            new Color(0x8172b2), new Color(0xccb974), new Color(0x64b5cd)};
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final Color VACUOUS = new Color(0xb0b0b0);

    private Figures() {}

    /** File name (without .png) to chart, in the order the index shows them. */
    static Map<String, XYChart> all(ReportData.Loaded data) {
        Map<String, XYChart> charts = new LinkedHashMap<>();
        for (RunSeries run : data.runs()) {
            charts.put("complexity-" + run.runId(), complexityAndAccuracy(run, data.epsilon()));
        }
        List<RunSeries> runs = data.runs();
        charts.put("effective-rank", perRun(runs, "Effective rank (mean over weight matrices, paper Fig. 8)",
                "effective rank exp(H)", false, RunSeries::effectiveRank));
        charts.put("naive-bzip2", perRun(runs, "Naive bzip2 of the float32 weights (paper Fig. 9)", "bytes", false,
                RunSeries::naiveBytes));
        charts.put("quantization-only", perRun(runs, "Quantization-only complexity, epsilon = " + fmt(data.epsilon())
                + " nats (paper Fig. 7)", "bytes", true, RunSeries::quantizationOnlyBytes));
        charts.put("description-length", perRun(runs, "Total description length: complexity + data bits (paper Fig. 4)",
                "bits", true, RunSeries::totalDescriptionBits));
        charts.put("generalization-bound", perRun(runs, "Generalization bound on the error rate (paper Fig. 5, delta = 0.05)",
                "error-rate bound (log scale)", true, RunSeries::generalizationBound, true));
        charts.put("rate-distortion", rateDistortion(runs));
        if (runs.stream().anyMatch(r -> java.util.Arrays.stream(r.integerBytes()).anyMatch(Double::isFinite))) {
            charts.put("codecs", perRun(runs, "Paper codec (float32 + bzip2) over the integer codec, epsilon = "
                    + fmt(data.epsilon()) + " nats: each codec's own best", "size ratio, paper / integer", false,
                    RunSeries::codecRatio));
        }
        charts.values().forEach(Figures::fitLegend);
        return charts;
    }

    /** Paper Fig. 1/2/6: complexity (left, bytes) and train/test accuracy (right) against epoch, with the two events. */
    static XYChart complexityAndAccuracy(RunSeries run, double epsilon) {
        XYChart chart = base("Complexity and accuracy: " + run.task() + ", " + run.label(), "epoch (log scale)", "complexity (bytes, epsilon = "
                + fmt(epsilon) + " nats)");
        chart.getStyler().setXAxisLogarithmic(true);
        chart.setYAxisGroupTitle(1, "accuracy");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.getStyler().setYAxisMin(1, 0.0);
        chart.getStyler().setYAxisMax(1, 1.0);
        chart.getStyler().putYAxisGroupDecimalPatternMap(1, "0.0");
        chart.getStyler().setYAxisMin(0, 0.0);
        if (run.steps().length > 0) {
            XYSeries c = chart.addSeries("complexity (bytes)", run.steps(), run.complexityBytes());
            style(c, REGIME_COLORS[2]);
            c.setLineStyle(new BasicStroke(2.5f));
        }
        if (run.metricEpochs().length > 0) {
            XYSeries train = chart.addSeries("train accuracy", run.metricEpochs(), run.trainAccuracy());
            train.setYAxisGroup(1);
            style(train, REGIME_COLORS[0]);
            train.setMarker(SeriesMarkers.NONE);
            XYSeries test = chart.addSeries("test accuracy", run.metricEpochs(), run.testAccuracy());
            test.setYAxisGroup(1);
            style(test, REGIME_COLORS[1]);
            test.setMarker(SeriesMarkers.NONE);
        }
        if (run.metricEpochs().length > 0) {
            annotate(chart, run.memorizationEpoch(), "memorization: train accuracy >= 0.99", REGIME_COLORS[0]);
            annotate(chart, run.generalizationEpoch(), "generalization: test accuracy >= 0.99", REGIME_COLORS[1]);
        }
        xDecades(chart, run.steps(), run.metricEpochs());
        return chart;
    }

    /** A vertical line over the accuracy axis at the epoch, named in the legend (text would sit on the curves). */
    private static void annotate(XYChart chart, int epoch, String what, Color color) {
        if (epoch > 0) {
            XYSeries line = chart.addSeries(what + " (epoch " + epoch + ")", new double[] {epoch, epoch}, new double[] {0, 1});
            line.setYAxisGroup(1);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(color);
            line.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
    }

    private interface Column {
        double[] of(RunSeries run);
    }

    private static XYChart perRun(List<RunSeries> runs, String title, String yTitle, boolean logY, Column column) {
        return perRun(runs, title, yTitle, logY, column, false);
    }

    /** {@code vacuousAboveOne}: a bound on an error rate says nothing at 1 or more; draw that line and say so. */
    private static XYChart perRun(List<RunSeries> runs, String title, String yTitle, boolean logY, Column column,
            boolean vacuousAboveOne) {
        XYChart chart = base(title, "epoch (log scale)", yTitle);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(logY);
        List<double[]> xs = new ArrayList<>();
        List<double[]> ys = new ArrayList<>();
        int i = 0;
        for (RunSeries run : runs) {
            double[][] xy = finite(run.steps(), column.of(run), logY);
            if (xy[0].length > 0) {
                XYSeries s = chart.addSeries(run.label(), xy[0], xy[1]);
                style(s, REGIME_COLORS[i % REGIME_COLORS.length]);
                xs.add(xy[0]);
                ys.add(xy[1]);
            }
            i++;
        }
        double[] x = concat(xs);
        double[] xRange = xDecades(chart, x);
        if (vacuousAboveOne) {
            double[] y = concat(ys);
            double[] withOne = java.util.Arrays.copyOf(y, y.length + 1);
            withOne[y.length] = 1.0;
            if (logY) {
                yDecades(chart, withOne);
            }
            int above = (int) java.util.Arrays.stream(y).filter(v -> v >= 1).count();
            XYSeries line = chart.addSeries("bound = 1: at or above it the bound is vacuous (" + above + " of " + y.length
                    + " points)", new double[] {xRange[0], xRange[1]}, new double[] {1, 1});
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(VACUOUS);
            line.setLineStyle(new BasicStroke(6f));
        } else if (logY) {
            yDecades(chart, concat(ys));
        } else {
            // ranks and sizes are positive: from 0, so a single point gets an axis with several labels
            chart.getStyler().setYAxisMin(0.0);
        }
        return chart;
    }

    private static double[] concat(List<double[]> parts) {
        return parts.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    /** The x axis (log) from the decade at or below the smallest value to the decade at or above the largest. */
    private static double[] xDecades(XYChart chart, double[]... values) {
        double[] range = decades(java.util.Arrays.stream(values).flatMapToDouble(java.util.Arrays::stream).toArray());
        if (range != null) {
            chart.getStyler().setXAxisMin(range[0]);
            chart.getStyler().setXAxisMax(range[1]);
            return range;
        }
        return new double[] {1, 10};
    }

    private static void yDecades(XYChart chart, double[] values) {
        double[] range = decades(values);
        if (range != null) {
            chart.getStyler().setYAxisMin(range[0]);
            chart.getStyler().setYAxisMax(range[1]);
        }
    }

    /**
     * Whole decades around the positive values, at least one decade wide, so a log axis carries a label at both
     * ends (XChart labels only powers of ten) and a single point sits inside the plot; null without positives.
     */
    static double[] decades(double[] values) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (v > 0 && Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo > hi) {
            return null;
        }
        double a = Math.floor(Math.log10(lo) + 1e-9);
        double b = Math.ceil(Math.log10(hi) - 1e-9);
        if (b <= a) {
            b = a + 1;
        }
        return new double[] {Math.pow(10, a), Math.pow(10, b)};
    }

    /** Paper Fig. 3: bytes against epsilon at each run's last checkpoint, with a ln(eps) + b and R^2 in the legend. */
    static XYChart rateDistortion(List<RunSeries> runs) {
        XYChart chart = base("Rate-distortion at the last checkpoint (paper Fig. 3)", "epsilon (nats, log scale)",
                "complexity (bytes)");
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisLogarithmic(true);
        List<double[]> epsilons = new ArrayList<>();
        int i = 0;
        for (RunSeries run : runs) {
            RunSeries.RateDistortion rd = run.rateDistortion();
            Color color = REGIME_COLORS[i++ % REGIME_COLORS.length];
            if (rd == null || rd.epsilons().length == 0) {
                continue;
            }
            XYSeries points = chart.addSeries(run.label() + " @" + rd.step(), rd.epsilons(), rd.bytes());
            points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            points.setMarkerColor(color);
            epsilons.add(rd.epsilons());
            if (!Double.isFinite(rd.a()) || !Double.isFinite(rd.b())) {
                continue; // one epsilon (or none met) gives no line to fit
            }
            double[] fitY = new double[rd.epsilons().length];
            for (int k = 0; k < fitY.length; k++) {
                fitY[k] = rd.a() * Math.log(rd.epsilons()[k]) + rd.b();
            }
            // the run in the name keeps two runs' equal fits apart (XChart refuses duplicate series names)
            XYSeries fit = chart.addSeries(String.format("%s fit %.0f ln(eps) + %.0f, R^2 = %.3f", run.runId(), rd.a(), rd.b(),
                    rd.rSquared()), rd.epsilons(), fitY);
            fit.setMarker(SeriesMarkers.NONE);
            fit.setLineColor(color);
        }
        xDecades(chart, concat(epsilons));
        return chart;
    }

    /** One row of legend entries below the plot while they fit in the width (at about 6 px a character), else a column. */
    static void fitLegend(XYChart chart) {
        int chars = 0;
        for (XYSeries s : chart.getSeriesMap().values()) {
            chars += s.getName().length() + 8;
        }
        if (chars * 6 > WIDTH - 40) {
            chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        }
    }

    private static void style(XYSeries s, Color color) {
        s.setLineColor(color);
        s.setMarkerColor(color);
    }

    private static XYChart base(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        org.knowm.xchart.style.XYStyler s = chart.getStyler();
        // below the plot, never over the data
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xe0e0e0));
        s.setMarkerSize(5);
        s.setYAxisDecimalPattern("#,##0.###");
        s.setXAxisDecimalPattern("#,##0.####");
        return chart;
    }

    /** Points with a finite y (and positive, on a log axis). */
    private static double[][] finite(double[] x, double[] y, boolean positive) {
        List<double[]> keep = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(y[i]) && (!positive || y[i] > 0)) {
                keep.add(new double[] {x[i], y[i]});
            }
        }
        double[][] out = new double[2][keep.size()];
        for (int i = 0; i < keep.size(); i++) {
            out[0][i] = keep.get(i)[0];
            out[1][i] = keep.get(i)[1];
        }
        return out;
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
