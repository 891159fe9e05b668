package occam.analysis.engine.figures;

/**
 * Paper eq. 4 (Lotfi et al. 2024) with the complexity K in bits: R <= R_hat + sqrt((K ln 2 + 2 ln K + ln(1/delta))
 * / (2n)). Worked example: R_hat = 0, K = 8,000 bits, n = 2,554, delta = 0.05: (5545.18 + 17.98 + 3.00) / 5108 =
 * 1.0897, sqrt = 1.0439: vacuous.
 */
public final class GeneralizationBound {

    /** The confidence parameter the product reports: 95 %. */
    public static final double DEFAULT_DELTA = 0.05;

    private GeneralizationBound() {}

    public static double of(double trainErrorRate, double complexityBits, int n, double delta) {
        if (!(complexityBits >= 1)) {
            throw new IllegalArgumentException("complexity(" + complexityBits + " bits) < 1: ln K is undefined");
        }
        if (n < 1) {
            throw new IllegalArgumentException("n(" + n + ") < 1");
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta(" + delta + ") outside (0, 1)");
        }
        double k = complexityBits;
        return trainErrorRate + Math.sqrt((k * Math.log(2) + 2 * Math.log(k) + Math.log(1 / delta)) / (2.0 * n));
    }
}
