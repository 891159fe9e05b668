package occam.analysis.engine.figures;

/**
 * Least-squares fit bytes = a ln(epsilon) + b (the paper's Fig. 3 curves) with its R^2 = 1 - SS_res / SS_tot.
 * Worked example: epsilon (1, e, e^2), bytes (10, 8, 6): a = -2, b = 10, R^2 = 1. With fewer than two distinct
 * epsilons a is NaN and b the mean; R^2 is NaN when every size is equal (SS_tot = 0). With no point (no epsilon was met
 * by a searched model) every figure is NaN.
 */
public record RateDistortionFit(double slopeA, double interceptB, double rSquared, int points) {

    public static RateDistortionFit fit(double[] epsilons, double[] bytes) {
        int n = epsilons.length;
        if (n != bytes.length) {
            throw new IllegalArgumentException("fit needs as many sizes as epsilons (got " + n + " and " + bytes.length + ")");
        }
        if (n == 0) {
            return new RateDistortionFit(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            if (!(epsilons[i] > 0)) {
                throw new IllegalArgumentException("epsilon(" + epsilons[i] + ") <= 0 has no logarithm");
            }
            mx += Math.log(epsilons[i]);
            my += bytes[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = Math.log(epsilons[i]) - mx;
            double dy = bytes[i] - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (sxx == 0) {
            return new RateDistortionFit(Double.NaN, my, Double.NaN, n);
        }
        double a = sxy / sxx;
        double b = my - a * mx;
        double ssRes = 0;
        for (int i = 0; i < n; i++) {
            double r = bytes[i] - (a * Math.log(epsilons[i]) + b);
            ssRes += r * r;
        }
        double r2 = syy == 0 ? Double.NaN : 1 - ssRes / syy;
        return new RateDistortionFit(a, b, r2, n);
    }
}
