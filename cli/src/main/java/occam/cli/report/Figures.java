package occam.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.AnnotationLine;
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
    private static final int HEIGHT = 520;

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
                "error-rate bound", true, RunSeries::generalizationBound));
        charts.put("rate-distortion", rateDistortion(runs));
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
        annotate(chart, run.memorizationEpoch(), "memorization");
        annotate(chart, run.generalizationEpoch(), "generalization");
        return chart;
    }

    private static void annotate(XYChart chart, int epoch, String what) {
        if (epoch > 0) {
            chart.addAnnotation(new AnnotationLine(epoch, true, false));
            chart.addAnnotation(new org.knowm.xchart.AnnotationText(what + " @" + epoch, epoch, 0.5, false));
        }
    }

    private interface Column {
        double[] of(RunSeries run);
    }

    private static XYChart perRun(List<RunSeries> runs, String title, String yTitle, boolean logY, Column column) {
        XYChart chart = base(title, "epoch (log scale)", yTitle);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(logY);
        int i = 0;
        for (RunSeries run : runs) {
            double[][] xy = finite(run.steps(), column.of(run), logY);
            if (xy[0].length > 0) {
                XYSeries s = chart.addSeries(run.label(), xy[0], xy[1]);
                style(s, REGIME_COLORS[i % REGIME_COLORS.length]);
            }
            i++;
        }
        return chart;
    }

    /** Paper Fig. 3: bytes against epsilon at each run's last checkpoint, with a ln(eps) + b and R^2 in the legend. */
    static XYChart rateDistortion(List<RunSeries> runs) {
        XYChart chart = base("Rate-distortion at the last checkpoint (paper Fig. 3)", "epsilon (nats, log scale)",
                "complexity (bytes)");
        chart.getStyler().setXAxisLogarithmic(true);
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
            double[] fitY = new double[rd.epsilons().length];
            for (int k = 0; k < fitY.length; k++) {
                fitY[k] = rd.a() * Math.log(rd.epsilons()[k]) + rd.b();
            }
            XYSeries fit = chart.addSeries(String.format("fit %.0f ln(eps) + %.0f, R^2 = %.3f", rd.a(), rd.b(), rd.rSquared()),
                    rd.epsilons(), fitY);
            fit.setMarker(SeriesMarkers.NONE);
            fit.setLineColor(color);
        }
        return chart;
    }

    private static void style(XYSeries s, Color color) {
        s.setLineColor(color);
        s.setMarkerColor(color);
    }

    private static XYChart base(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        org.knowm.xchart.style.XYStyler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
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
