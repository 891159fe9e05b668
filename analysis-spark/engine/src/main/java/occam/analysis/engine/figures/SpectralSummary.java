package occam.analysis.engine.figures;

/**
 * A matrix's spectrum in four numbers: spectral entropy H = -sum p_i ln p_i with p_i = s_i / sum s (nats;
 * 0 ln 0 = 0), effective rank exp(H), the largest singular value and the sum (nuclear norm). Worked example,
 * s = (2, 1, 1): p = (1/2, 1/4, 1/4), H = 1.5 ln 2 = 1.0397, effective rank 2^1.5 = 2.828. A zero matrix has
 * H = 0 and effective rank 1 by this convention.
 */
public record SpectralSummary(double entropyNats, double effectiveRank, double largest, double sum) {

    public static SpectralSummary of(double[] singularValues) {
        double sum = 0;
        double largest = 0;
        for (double s : singularValues) {
            if (s < 0 || !Double.isFinite(s)) {
                throw new IllegalArgumentException("singular value " + s + " is not a finite non-negative number");
            }
            sum += s;
            largest = Math.max(largest, s);
        }
        double h = 0;
        if (sum > 0) {
            for (double s : singularValues) {
                if (s > 0) {
                    double p = s / sum;
                    h -= p * Math.log(p);
                }
            }
        }
        return new SpectralSummary(h, Math.exp(h), largest, sum);
    }
}
