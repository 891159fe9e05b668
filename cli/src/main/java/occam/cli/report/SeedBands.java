package occam.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Mean across seeds with a standard-error band, per x value (checkpoint step or metrics epoch). Runs of one task
 * and regime share the checkpoint schedule, so their x values line up; an x that only some seeds reached (a
 * shorter run) is averaged over those, and {@code n} says how many.
 */
record SeedBands(String task, String regime, int seeds, double[] x, double[] mean, double[] standardError, int[] n) {

    /** One series per run: its x values and y values (same length; NaN y values are skipped). */
    record Series(double[] x, double[] y) {}

    static <R> SeedBands of(String task, String regime, List<R> runs, Function<R, Series> series) {
        Map<Double, List<Double>> byX = new TreeMap<>();
        for (R run : runs) {
            Series s = series.apply(run);
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isNaN(s.y()[i])) {
                    byX.computeIfAbsent(s.x()[i], k -> new ArrayList<>()).add(s.y()[i]);
                }
            }
        }
        int size = byX.size();
        double[] x = new double[size];
        double[] mean = new double[size];
        double[] se = new double[size];
        int[] n = new int[size];
        int i = 0;
        for (Map.Entry<Double, List<Double>> e : byX.entrySet()) {
            List<Double> v = e.getValue();
            double m = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = v.stream().mapToDouble(y -> (y - m) * (y - m)).sum();
            x[i] = e.getKey();
            mean[i] = m;
            // sample standard deviation / sqrt(n); a single seed has no spread to show
            se[i] = v.size() < 2 ? 0 : Math.sqrt(ss / (v.size() - 1)) / Math.sqrt(v.size());
            n[i] = v.size();
            i++;
        }
        return new SeedBands(task, regime, runs.size(), x, mean, se, n);
    }

    double[] lower() {
        double[] out = new double[mean.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = mean[i] - standardError[i];
        }
        return out;
    }

    double[] upper() {
        double[] out = new double[mean.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = mean[i] + standardError[i];
        }
        return out;
    }

    /** "ours (n = 3)": the legend names the seeds the band rests on. */
    String label() {
        return regime + " (n = " + seeds + ")";
    }
}
