package occam.analysis.engine.loss;

/**
 * Reductions over float rows in a fixed order with several interleaved partial sums: the order makes results
 * reproducible bit for bit, the partial sums give the loop that many independent chains (a single chain was
 * latency-bound). float32 precision, like the data.
 */
final class Floats {

    private Floats() {}

    /** Sum of a[ao + c] b[bo + c], c < n, as four interleaved fma chains. */
    static double dot(float[] a, int ao, float[] b, int bo, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int c = 0;
        for (; c + 4 <= n; c += 4) {
            s0 = Math.fma(a[ao + c], b[bo + c], s0);
            s1 = Math.fma(a[ao + c + 1], b[bo + c + 1], s1);
            s2 = Math.fma(a[ao + c + 2], b[bo + c + 2], s2);
            s3 = Math.fma(a[ao + c + 3], b[bo + c + 3], s3);
        }
        for (; c < n; c++) {
            s0 = Math.fma(a[ao + c], b[bo + c], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * out[i] = {@link #dot}(a, 0, rows[i], 0, n) for i < count: four rows at a time, so sixteen independent chains
     * instead of four (one dot waits on its own fma latency), each chain's operations as in {@link #dot}.
     */
    static void dots(float[] a, float[][] rows, int count, int n, double[] out) {
        int i = 0;
        for (; i + 4 <= count && n % 4 == 0; i += 4) {
            float[] b0 = rows[i];
            float[] b1 = rows[i + 1];
            float[] b2 = rows[i + 2];
            float[] b3 = rows[i + 3];
            float s00 = 0, s01 = 0, s02 = 0, s03 = 0;
            float s10 = 0, s11 = 0, s12 = 0, s13 = 0;
            float s20 = 0, s21 = 0, s22 = 0, s23 = 0;
            float s30 = 0, s31 = 0, s32 = 0, s33 = 0;
            for (int c = 0; c < n; c += 4) {
                float a0 = a[c];
                float a1 = a[c + 1];
                float a2 = a[c + 2];
                float a3 = a[c + 3];
                s00 = Math.fma(a0, b0[c], s00);
                s01 = Math.fma(a1, b0[c + 1], s01);
                s02 = Math.fma(a2, b0[c + 2], s02);
                s03 = Math.fma(a3, b0[c + 3], s03);
                s10 = Math.fma(a0, b1[c], s10);
                s11 = Math.fma(a1, b1[c + 1], s11);
                s12 = Math.fma(a2, b1[c + 2], s12);
                s13 = Math.fma(a3, b1[c + 3], s13);
                s20 = Math.fma(a0, b2[c], s20);
                s21 = Math.fma(a1, b2[c + 1], s21);
                s22 = Math.fma(a2, b2[c + 2], s22);
                s23 = Math.fma(a3, b2[c + 3], s23);
                s30 = Math.fma(a0, b3[c], s30);
                s31 = Math.fma(a1, b3[c + 1], s31);
                s32 = Math.fma(a2, b3[c + 2], s32);
                s33 = Math.fma(a3, b3[c + 3], s33);
            }
            out[i] = (s00 + s01) + (s02 + s03);
            out[i + 1] = (s10 + s11) + (s12 + s13);
            out[i + 2] = (s20 + s21) + (s22 + s23);
            out[i + 3] = (s30 + s31) + (s32 + s33);
        }
        for (; i < count; i++) {
            out[i] = dot(a, 0, rows[i], 0, n);
        }
    }

    /** Sum of x[0..n) over eight partial sums, combined in a fixed tree. */
    static double sum(float[] x, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int c = 0;
        for (; c + 8 <= n; c += 8) {
            s0 += x[c];
            s1 += x[c + 1];
            s2 += x[c + 2];
            s3 += x[c + 3];
            s4 += x[c + 4];
            s5 += x[c + 5];
            s6 += x[c + 6];
            s7 += x[c + 7];
        }
        for (; c < n; c++) {
            s0 += x[c];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** Sum of (x[c] - centre)^2 over c < n, eight partial sums as in {@link #sum}. */
    static double sumOfSquares(float[] x, int n, double centre) {
        float m = (float) centre;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int c = 0;
        for (; c + 8 <= n; c += 8) {
            float t0 = x[c] - m;
            float t1 = x[c + 1] - m;
            float t2 = x[c + 2] - m;
            float t3 = x[c + 3] - m;
            float t4 = x[c + 4] - m;
            float t5 = x[c + 5] - m;
            float t6 = x[c + 6] - m;
            float t7 = x[c + 7] - m;
            s0 = Math.fma(t0, t0, s0);
            s1 = Math.fma(t1, t1, s1);
            s2 = Math.fma(t2, t2, s2);
            s3 = Math.fma(t3, t3, s3);
            s4 = Math.fma(t4, t4, s4);
            s5 = Math.fma(t5, t5, s5);
            s6 = Math.fma(t6, t6, s6);
            s7 = Math.fma(t7, t7, s7);
        }
        for (; c < n; c++) {
            float t = x[c] - m;
            s0 = Math.fma(t, t, s0);
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
