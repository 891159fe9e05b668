package occam.cli.report;

/**
 * Everything the figures plot for one run, read from the archive's metrics and the analysis tables for one
 * settings hash. Analysis series are indexed by checkpoint step (epoch); missing values are NaN.
 */
record RunSeries(
        String runId,
        String task,
        String regime,
        long seed,
        int p,
        int nTrain,
        double[] metricEpochs,
        double[] trainAccuracy,
        double[] testAccuracy,
        double[] steps,
        double[] complexityBytes,
        double[] totalDescriptionBits,
        double[] generalizationBound,
        double[] quantizationOnlyBytes,
        double[] naiveBytes,
        double[] effectiveRank,
        double labelCodeBits,
        RateDistortion rateDistortion,
        double[] integerBytes,
        int lastCheckpoint) {

    /** Bytes against epsilon at the run's last analysed checkpoint, and the fit a ln(eps) + b. */
    record RateDistortion(int step, double[] epsilons, double[] bytes, double a, double b, double rSquared) {}

    /** First logged epoch with train accuracy >= 0.99 (memorization), or -1. */
    int memorizationEpoch() {
        return firstAtLeast(trainAccuracy, 0.99);
    }

    /** First logged epoch with test accuracy >= 0.99 (generalization), or -1. */
    int generalizationEpoch() {
        return firstAtLeast(testAccuracy, 0.99);
    }

    private int firstAtLeast(double[] values, double threshold) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] >= threshold) {
                return (int) metricEpochs[i];
            }
        }
        return -1;
    }

    /** Largest complexity and the epoch it occurred at. */
    double[] peakComplexity() {
        int best = 0;
        for (int i = 1; i < complexityBytes.length; i++) {
            if (complexityBytes[i] > complexityBytes[best]) {
                best = i;
            }
        }
        return complexityBytes.length == 0 ? new double[] {Double.NaN, Double.NaN}
                : new double[] {steps[best], complexityBytes[best]};
    }

    /**
     * Whether the run's last checkpoint in the archive ({@code lastCheckpoint}; -1 when unknown) has rows, so its
     * last analysed values are its final ones. A run analysed only in part must not stand in the claims.
     */
    boolean analysedToTheEnd() {
        return steps.length > 0 && (lastCheckpoint < 0 || (int) steps[steps.length - 1] == lastCheckpoint);
    }

    /** The same run as the claims read it. */
    Claims.Run claimsRun() {
        return new Claims.Run(runId, task, regime, seed, metricEpochs, trainAccuracy, testAccuracy, steps, complexityBytes,
                totalDescriptionBits, generalizationBound, quantizationOnlyBytes, naiveBytes);
    }

    /** Paper codec bytes over integer codec bytes at each analysed step (NaN where the integer codec has no row). */
    double[] codecRatio() {
        double[] out = new double[complexityBytes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = complexityBytes[i] / integerBytes[i];
        }
        return out;
    }

    String label() {
        return regime + " (" + runId + ")";
    }
}
