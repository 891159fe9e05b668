package occam.analysis.engine.loss;

/**
 * LayerNorm over a row of width d: (x - mean) / sqrt(biased variance + eps) * gain + bias. Sums in float
 * ({@link Floats}), 1/std in double, the per-element work in float so that C2 vectorizes it.
 */
final class LayerNorm {

    private LayerNorm() {}

    /** x[0..d) normalized in place, d = gain.length; returns 1 / sqrt(var + eps). */
    static double apply(float[] x, float[] gain, float[] bias, double eps) {
        int d = gain.length;
        double mean = Floats.sum(x, d) / d;
        double var = Floats.sumOfSquares(x, d, mean) / d;
        double inv = 1 / Math.sqrt(var + eps);
        float m = (float) mean;
        float s = (float) inv;
        for (int c = 0; c < d; c++) {
            x[c] = Math.fma((x[c] - m) * s, gain[c], bias[c]);
        }
        return inv;
    }

    /** out = (x - mean(x)) * gain over d = gain.length: the part of LayerNorm that is linear in x. */
    static void centreAndScale(float[] x, float[] gain, float[] out) {
        int d = gain.length;
        double mean = Floats.sum(x, d) / d;
        for (int c = 0; c < d; c++) {
            out[c] = (float) ((x[c] - mean) * gain[c]);
        }
    }
}
