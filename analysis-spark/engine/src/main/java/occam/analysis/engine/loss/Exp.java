package occam.analysis.engine.loss;

/**
 * e^x in double for x <= 0 (the softmax's and the loss's arguments, after subtracting the maximum), from additions
 * and multiplications only: x = k ln 2 + r with |r| <= ln 2 / 2 (Cody-Waite, ln 2 split in two), e^r by its Taylor
 * series to r^13 (truncation below 2^-53 of the result), times 2^k. Within 2 ulps of e^x (the test measures it
 * against {@link StrictMath#exp}) and the same bits on every JVM and CPU, which {@link Math#exp} does not promise;
 * measured four times faster than Math.exp here, which the loss called once per (example, vocabulary entry) and
 * which took a third of a 1-layer model's evaluation.
 */
final class Exp {

    static final double LOG2E = 1.4426950408889634;
    /** ln 2's high part has 32 significant bits, so k * LN2_HI is exact for |k| < 2^20. */
    static final double LN2_HI = 6.93147180369123816490e-01;
    static final double LN2_LO = 1.90821492927058770002e-10;
    /** Below this e^x is under half the smallest subnormal: 0. */
    private static final double UNDERFLOW = -745.2;
    /** At or above this 2^k is a normal double (k >= -1022), so one multiplication scales: the vector kernels' range. */
    static final double NORMAL = -708.0;
    /** 1/n!, n = 13 down to 2: the Horner coefficients before the last two (1 and 1), here and in the vector kernel. */
    static final double[] TAYLOR = {1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
        1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5};

    private Exp() {}

    /** e^x for x <= 0 (NaN for NaN; 1 for +0 and -0). */
    static double negative(double x) {
        if (!(x >= UNDERFLOW)) {
            return x != x ? x : 0;
        }
        double k = Math.rint(x * LOG2E);
        double r = (x - k * LN2_HI) - k * LN2_LO;
        // Horner over 1/n!, n = 13 down to 0
        double p = TAYLOR[0];
        for (int i = 1; i < TAYLOR.length; i++) {
            p = p * r + TAYLOR[i];
        }
        p = p * r + 1.0;
        p = p * r + 1.0;
        int n = (int) k;
        if (n >= -1022) {
            return p * Double.longBitsToDouble((long) (n + 1023) << 52);
        }
        // subnormal result: scale in two exact steps
        return p * Double.longBitsToDouble((long) (n + 1023 + 60) << 52) * 0x1p-60;
    }
}
