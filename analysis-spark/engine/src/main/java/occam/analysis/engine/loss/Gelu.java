package occam.analysis.engine.loss;

/**
 * GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), in float32.
 *
 * <p>tanh is Eigen's rational approximation for float ({@code generic_fast_tanh_float}: odd degree-13 over even
 * degree-6 polynomial, input clamped to +-7.9053), within a few float ulps of tanh. It uses only multiply, add,
 * divide, min and max, so C2 vectorizes the loop; {@link Math#tanh} per element cost as much as the MLP itself.
 */
final class Gelu {

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
    private static final float CUBIC = 0.044715f;
    private static final float CLAMP = 7.90531110763549805f;
    private static final float A1 = 4.89352455891786e-03f;
    private static final float A3 = 6.37261928875436e-04f;
    private static final float A5 = 1.48572235717979e-05f;
    private static final float A7 = 5.12229709037114e-08f;
    private static final float A9 = -8.60467152213735e-11f;
    private static final float A11 = 2.00018790482477e-13f;
    private static final float A13 = -2.76076847742355e-16f;
    private static final float B0 = 4.89352518554385e-03f;
    private static final float B2 = 2.26843463243900e-03f;
    private static final float B4 = 1.18534705686654e-04f;
    private static final float B6 = 1.19825839466702e-06f;

    private Gelu() {}

    /** In place over v[0..n). */
    static void apply(float[] v, int n) {
        for (int j = 0; j < n; j++) {
            float x = v[j];
            float u = SQRT_2_OVER_PI * (x + CUBIC * x * x * x);
            v[j] = 0.5f * x * (1f + tanh(u));
        }
    }

    static float tanh(float x) {
        float c = Math.max(-CLAMP, Math.min(CLAMP, x));
        float x2 = c * c;
        float p = A13;
        p = p * x2 + A11;
        p = p * x2 + A9;
        p = p * x2 + A7;
        p = p * x2 + A5;
        p = p * x2 + A3;
        p = p * x2 + A1;
        p = p * c;
        float q = B6;
        q = q * x2 + B4;
        q = q * x2 + B2;
        q = q * x2 + B0;
        return p / q;
    }
}
