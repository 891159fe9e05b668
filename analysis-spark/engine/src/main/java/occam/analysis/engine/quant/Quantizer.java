package occam.analysis.engine.quant;

/**
 * Q(x, Delta) = round(x / Delta) x Delta, stored as float32 (paper eq. 11).
 *
 * <p>Choices the paper leaves open: ties round to even ({@link Math#rint}, as numpy and JAX round); the product is
 * formed in double and rounded once to float32, so |Q(x) - x| is at most Delta / 2 plus half a float32 ulp of the
 * result; -0 folds to +0 (a negative value that rounds to zero would otherwise store a distinct bit pattern and
 * cost bits in the compressed stream). Delta = 0 means "no quantization": values pass through unchanged. Worked
 * example, Delta = 0.5: 0.74 -> 0.5, 0.75 -> 1.0, 0.25 -> 0.0 (tie to even), -0.2 -> 0.0 (not -0.0).
 */
public final class Quantizer {

    private Quantizer() {}

    /** One value; {@code delta} must be >= 0 and finite. */
    public static float quantize(double x, double delta) {
        if (delta == 0) {
            return (float) x;
        }
        // + 0.0f turns -0.0f into +0.0f and leaves every other value alone.
        return (float) (Math.rint(x / delta) * delta) + 0.0f;
    }

    /** A new array of Q(values[i], delta). */
    public static float[] quantize(float[] values, double delta) {
        requireDelta(delta);
        float[] out = new float[values.length];
        if (delta == 0) {
            System.arraycopy(values, 0, out, 0, values.length);
            return out;
        }
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) (Math.rint(values[i] / delta) * delta) + 0.0f;
        }
        return out;
    }

    /** A new float32 array of Q(values[i], delta), quantizing the double values directly (factors). */
    public static float[] quantize(double[] values, double delta) {
        requireDelta(delta);
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = quantize(values[i], delta);
        }
        return out;
    }

    public static void requireDelta(double delta) {
        if (!(delta >= 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("Delta(" + delta + ") must be finite and >= 0");
        }
    }
}
