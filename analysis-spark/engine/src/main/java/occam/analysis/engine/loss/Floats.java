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
