package occam.cli.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The paper's claims, checked per task against the measured runs. Every verdict is computed here from the series
 * the tables hold, with its threshold stated beside it; none is written by hand. A claim whose data is missing
 * (no run of a regime, no memorization, no seed with both regimes) is {@link Verdict#NOT_ENOUGH_DATA}, never a pass.
 */
final class Claims {

    enum Verdict {
        HOLDS("holds"), DOES_NOT_HOLD("does not hold"), NOT_ENOUGH_DATA("not enough data");

        final String text;

        Verdict(String text) {
            this.text = text;
        }
    }

    /** One run's series at one epsilon; arrays indexed like the analysed checkpoints (steps) or the metrics. */
    record Run(String runId, String task, String regime, long seed, double[] metricEpochs, double[] trainAccuracy,
            double[] testAccuracy, double[] steps, double[] complexityBytes, double[] totalDescriptionBits,
            double[] generalizationBound, double[] quantizationOnlyBytes, double[] naiveBytes) {

        int memorizationEpoch() {
            return firstAtLeast(trainAccuracy, ACCURACY);
        }

        int generalizationEpoch() {
            return firstAtLeast(testAccuracy, ACCURACY);
        }

        private int firstAtLeast(double[] values, double threshold) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] >= threshold) {
                    return (int) metricEpochs[i];
                }
            }
            return -1;
        }

        boolean analysed() {
            return steps.length > 0;
        }

        /** Whether the archive has metrics rows for the run: without them no epoch reached anything, nor failed to. */
        boolean hasMetrics() {
            return metricEpochs.length > 0;
        }

        double last(double[] series) {
            return series[series.length - 1];
        }

        double peak() {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : complexityBytes) {
                max = Math.max(max, v);
            }
            return max;
        }

        /** Complexity at the first analysed checkpoint at or after {@code epoch}, or NaN. */
        double complexityAtOrAfter(int epoch) {
            for (int i = 0; i < steps.length; i++) {
                if (steps[i] >= epoch) {
                    return complexityBytes[i];
                }
            }
            return Double.NaN;
        }
    }

    /** One row of the claims table. */
    record Claim(String task, String claimId, String claim, String threshold, String measured, int runs, Verdict verdict) {}

    static final double ACCURACY = 0.99;
    static final double RISE_FALL_RATIO = 2.0;
    static final double NO_FALL_RATIO = 0.7;
    static final double NAIVE_RATIO = 30.0;
    static final double QUANTIZATION_ONLY_RATIO = 1.5;

    private Claims() {}

    /** Every claim for every task that has analysed runs, tasks in name order. */
    static List<Claim> check(List<Run> runs) {
        Map<String, List<Run>> byTask = runs.stream().filter(Run::analysed)
                .collect(Collectors.groupingBy(Run::task, TreeMap::new, Collectors.toList()));
        List<Claim> out = new ArrayList<>();
        byTask.forEach((task, taskRuns) -> {
            List<Run> ours = regime(taskRuns, "ours");
            List<Run> none = regime(taskRuns, "none");
            out.add(riseAndFall(task, ours));
            out.add(noFallWithoutRegularization(task, none));
            out.add(lowestAtFinal(task, taskRuns, "lowest_description_length", "total description length",
                    r -> r.last(r.totalDescriptionBits())));
            out.add(lowestAtFinal(task, taskRuns, "lowest_bound", "generalization bound",
                    r -> r.last(r.generalizationBound())));
            out.add(beatsNaive(task, ours));
            out.add(lowRankHelps(task, taskRuns));
            out.add(generalization(task, ours, none));
        });
        return out;
    }

    private static List<Run> regime(List<Run> runs, String regime) {
        return runs.stream().filter(r -> r.regime().equals(regime)).sorted(Comparator.comparingLong(Run::seed)).toList();
    }

    private static Claim riseAndFall(String task, List<Run> ours) {
        String id = "ours_rises_then_falls";
        String claim = "Under ours, complexity rises while the network memorizes, then falls";
        String threshold = "on every ours seed: peak >= " + fmt(RISE_FALL_RATIO) + " x final, and final < complexity at memorization";
        if (ours.isEmpty()) {
            return new Claim(task, id, claim, threshold, "no ours run", 0, Verdict.NOT_ENOUGH_DATA);
        }
        List<String> parts = new ArrayList<>();
        boolean all = true;
        boolean enough = true;
        for (Run r : ours) {
            double peak = r.peak();
            double last = r.last(r.complexityBytes());
            int memo = r.memorizationEpoch();
            double atMemo = memo < 0 ? Double.NaN : r.complexityAtOrAfter(memo);
            parts.add(String.format("seed %d: peak %,.0f B, final %,.0f B (%.2fx), at memorization (epoch %s) %s", r.seed(),
                    peak, last, peak / last, !r.hasMetrics() ? "unknown: no metrics rows" : memo < 0 ? "never" : memo, Double.isNaN(atMemo) ? "n/a" : String.format("%,.0f B", atMemo)));
            if (Double.isNaN(atMemo)) {
                enough = false;
                continue;
            }
            all &= peak >= RISE_FALL_RATIO * last && last < atMemo;
        }
        Verdict v = !all ? Verdict.DOES_NOT_HOLD : enough ? Verdict.HOLDS : Verdict.NOT_ENOUGH_DATA;
        return new Claim(task, id, claim, threshold, String.join("; ", parts), ours.size(), v);
    }

    private static Claim noFallWithoutRegularization(String task, List<Run> none) {
        String id = "none_does_not_fall";
        String claim = "Without regularization, complexity does not fall after memorization";
        String threshold = "on every none seed: final >= " + fmt(NO_FALL_RATIO)
                + " x complexity at memorization (first epoch with train accuracy >= " + fmt(ACCURACY) + ")";
        if (none.isEmpty()) {
            return new Claim(task, id, claim, threshold, "no none run", 0, Verdict.NOT_ENOUGH_DATA);
        }
        List<String> parts = new ArrayList<>();
        boolean all = true;
        boolean enough = true;
        for (Run r : none) {
            int memo = r.memorizationEpoch();
            double atMemo = memo < 0 ? Double.NaN : r.complexityAtOrAfter(memo);
            double last = r.last(r.complexityBytes());
            if (Double.isNaN(atMemo)) {
                parts.add(String.format("seed %d: %s (final %,.0f B)", r.seed(),
                        r.hasMetrics() ? "never memorized" : "no metrics rows, so no epoch of memorization", last));
                enough = false;
                continue;
            }
            parts.add(String.format("seed %d: at memorization (epoch %d) %,.0f B, final %,.0f B (%.2fx)", r.seed(), memo,
                    atMemo, last, last / atMemo));
            all &= last >= NO_FALL_RATIO * atMemo;
        }
        Verdict v = !all ? Verdict.DOES_NOT_HOLD : enough ? Verdict.HOLDS : Verdict.NOT_ENOUGH_DATA;
        return new Claim(task, id, claim, threshold, String.join("; ", parts), none.size(), v);
    }

    /** ours lowest of the regimes at the final checkpoint, paired by seed: every seed with ours and another regime. */
    private static Claim lowestAtFinal(String task, List<Run> runs, String id, String what, Function<Run, Double> value) {
        String claim = "ours has the lowest final " + what + " of the regimes";
        String threshold = "on every seed that has ours and another regime: ours' final value < every other regime's";
        Map<Long, Map<String, Run>> bySeed = new TreeMap<>();
        for (Run r : runs) {
            bySeed.computeIfAbsent(r.seed(), s -> new LinkedHashMap<>()).put(r.regime(), r);
        }
        List<String> parts = new ArrayList<>();
        boolean all = true;
        int paired = 0;
        for (Map.Entry<Long, Map<String, Run>> e : bySeed.entrySet()) {
            Map<String, Run> regimes = e.getValue();
            if (!regimes.containsKey("ours") || regimes.size() < 2) {
                continue;
            }
            paired++;
            double ours = value.apply(regimes.get("ours"));
            StringBuilder sb = new StringBuilder("seed " + e.getKey() + ":");
            for (Map.Entry<String, Run> r : regimes.entrySet()) {
                double v = value.apply(r.getValue());
                sb.append(String.format(" %s %.4g", r.getKey(), v));
                if (!r.getKey().equals("ours")) {
                    all &= ours < v;
                }
            }
            parts.add(sb.toString());
        }
        if (paired == 0) {
            return new Claim(task, id, claim, threshold, "no seed with ours and another regime", 0, Verdict.NOT_ENOUGH_DATA);
        }
        return new Claim(task, id, claim, threshold, String.join("; ", parts), paired,
                all ? Verdict.HOLDS : Verdict.DOES_NOT_HOLD);
    }

    private static Claim beatsNaive(String task, List<Run> ours) {
        String id = "beats_naive_bzip2";
        String claim = "Coarse-graining beats naive bzip2 by the paper's 30-40x on the final ours checkpoints";
        String threshold = "mean over ours seeds of naive bzip2 / complexity at the final checkpoint >= " + fmt(NAIVE_RATIO);
        if (ours.isEmpty()) {
            return new Claim(task, id, claim, threshold, "no ours run", 0, Verdict.NOT_ENOUGH_DATA);
        }
        double sum = 0;
        List<String> parts = new ArrayList<>();
        for (Run r : ours) {
            double ratio = r.last(r.naiveBytes()) / r.last(r.complexityBytes());
            sum += ratio;
            parts.add(String.format("seed %d: %.1fx", r.seed(), ratio));
        }
        double mean = sum / ours.size();
        return new Claim(task, id, claim, threshold, String.format("mean %.1fx (%s)", mean, String.join(", ", parts)),
                ours.size(), mean >= NAIVE_RATIO ? Verdict.HOLDS : Verdict.DOES_NOT_HOLD);
    }

    private static Claim lowRankHelps(String task, List<Run> runs) {
        String id = "quantization_only_twice";
        String claim = "Quantization alone needs about twice the bytes of low-rank + quantization (Fig. 7)";
        String threshold = "mean over runs of quantization-only / complexity at the final checkpoint >= "
                + fmt(QUANTIZATION_ONLY_RATIO) + " (paper: about 2)";
        double sum = 0;
        int n = 0;
        List<String> parts = new ArrayList<>();
        for (Run r : runs) {
            double q = r.last(r.quantizationOnlyBytes());
            if (Double.isNaN(q)) {
                continue;
            }
            double ratio = q / r.last(r.complexityBytes());
            sum += ratio;
            n++;
            parts.add(String.format("%s seed %d: %.2fx", r.regime(), r.seed(), ratio));
        }
        if (n == 0) {
            return new Claim(task, id, claim, threshold, "no quantization-only size at a final checkpoint", 0,
                    Verdict.NOT_ENOUGH_DATA);
        }
        double mean = sum / n;
        return new Claim(task, id, claim, threshold, String.format("mean %.2fx (%s)", mean, String.join(", ", parts)), n,
                mean >= QUANTIZATION_ONLY_RATIO ? Verdict.HOLDS : Verdict.DOES_NOT_HOLD);
    }

    private static Claim generalization(String task, List<Run> ours, List<Run> none) {
        String id = "ours_generalizes_none_does_not";
        String claim = "ours generalizes and none does not, within the run";
        String threshold = "every ours seed reaches test accuracy >= " + fmt(ACCURACY) + "; no none seed does";
        if (ours.isEmpty() || none.isEmpty()) {
            return new Claim(task, id, claim, threshold, "needs ours and none runs", ours.size() + none.size(),
                    Verdict.NOT_ENOUGH_DATA);
        }
        List<String> parts = new ArrayList<>();
        boolean all = true;
        boolean enough = true;
        for (Run r : ours) {
            int g = r.generalizationEpoch();
            parts.add("ours seed " + r.seed() + ": " + (!r.hasMetrics() ? "no metrics rows" : g < 0 ? "never" : "epoch " + g));
            all &= g >= 0 || !r.hasMetrics();
            enough &= r.hasMetrics();
        }
        for (Run r : none) {
            int g = r.generalizationEpoch();
            parts.add("none seed " + r.seed() + ": " + (!r.hasMetrics() ? "no metrics rows" : g < 0 ? "never" : "epoch " + g));
            all &= g < 0;
            enough &= r.hasMetrics();
        }
        Verdict v = !all ? Verdict.DOES_NOT_HOLD : enough ? Verdict.HOLDS : Verdict.NOT_ENOUGH_DATA;
        return new Claim(task, id, claim, threshold, String.join("; ", parts), ours.size() + none.size(), v);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
