package occam.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The look of the aggregated figures: one colour per regime (as in the paper: none blue, wd green, ours red), the
 * legend outside the plot, log axes that span whole decades so every decade carries a label, and the
 * standard-error band as a translucent polygon under the mean line.
 */
final class ChartStyle {

    static final int WIDTH = 900;
    static final int HEIGHT = 540;

    private ChartStyle() {}

    static Color regimeColor(String regime) {
        return switch (regime) {
            case "none" -> new Color(31, 119, 180);
            case "wd" -> new Color(44, 160, 44);
            case "ours" -> new Color(214, 39, 40);
            default -> new Color(90, 90, 90);
        };
    }

    /** Regimes in the paper's order (none, wd, ours), any other after them by name. */
    static int regimeOrder(String regime) {
        return switch (regime) {
            case "none" -> 0;
            case "wd" -> 1;
            case "ours" -> 2;
            default -> 3;
        };
    }

    /** A white chart with the legend to the right of the plot, never over the data. */
    static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
                .build();
        XYStyler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setLegendLayout(Styler.LegendLayout.Vertical);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xe0e0e0));
        s.setMarkerSize(4);
        s.setXAxisDecimalPattern("#,##0.###");
        s.setYAxisDecimalPattern("#,##0.###");
        return chart;
    }

    /**
     * The band (mean - se to mean + se, hidden from the legend) and the mean line named {@code name}. Points that a
     * log axis cannot show (x or mean not positive) are left out; on a log y axis a lower edge at or below zero is
     * drawn at a thousandth of the mean. Null when nothing is left to draw.
     */
    static XYSeries band(XYChart chart, String name, SeedBands b, Color color, boolean logX, boolean logY) {
        int[] keep = java.util.stream.IntStream.range(0, b.x().length)
                .filter(i -> Double.isFinite(b.mean()[i]) && (!logX || b.x()[i] > 0) && (!logY || b.mean()[i] > 0))
                .toArray();
        if (keep.length == 0) {
            return null;
        }
        double[] x = new double[keep.length];
        double[] mean = new double[keep.length];
        boolean spread = false;
        for (int k = 0; k < keep.length; k++) {
            x[k] = b.x()[keep[k]];
            mean[k] = b.mean()[keep[k]];
            spread |= b.standardError()[keep[k]] > 0;
        }
        if (spread) {
            // the closed outline: the upper edge left to right, then the lower edge back
            double[] px = new double[2 * keep.length];
            double[] py = new double[2 * keep.length];
            for (int k = 0; k < keep.length; k++) {
                int i = keep[k];
                double lower = b.mean()[i] - b.standardError()[i];
                px[k] = x[k];
                py[k] = b.mean()[i] + b.standardError()[i];
                px[px.length - 1 - k] = x[k];
                py[py.length - 1 - k] = logY && lower <= 0 ? b.mean()[i] / 1000 : lower;
            }
            XYSeries area = chart.addSeries(name + " \u00b1 se", px, py);
            area.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            area.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 60));
            area.setLineColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 0));
            area.setMarker(SeriesMarkers.NONE);
            area.setShowInLegend(false);
        }
        XYSeries line = chart.addSeries(name, x, mean);
        line.setLineColor(color);
        line.setMarkerColor(color);
        line.setLineStyle(new BasicStroke(2f));
        line.setMarker(keep.length > 40 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        return line;
    }

    /** Widens a log axis to whole decades around [lo, hi] (at least one decade), so each decade is labelled. */
    static void logXDecades(XYChart chart, double lo, double hi) {
        double[] d = decades(lo, hi);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setXAxisMin(d[0]);
        chart.getStyler().setXAxisMax(d[1]);
    }

    static void logYDecades(XYChart chart, double lo, double hi) {
        double[] d = decades(lo, hi);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(d[0]);
        chart.getStyler().setYAxisMax(d[1]);
    }

    static double[] decades(double lo, double hi) {
        if (!(lo > 0) || !(hi > 0)) {
            return new double[] {1, 10};
        }
        double a = Math.floor(Math.log10(lo) + 1e-9);
        double b = Math.ceil(Math.log10(hi) - 1e-9);
        if (b <= a) {
            b = a + 1;
        }
        return new double[] {Math.pow(10, a), Math.pow(10, b)};
    }
}
