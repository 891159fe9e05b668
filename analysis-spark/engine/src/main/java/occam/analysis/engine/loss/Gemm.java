package occam.analysis.engine.loss;

import java.util.Arrays;

/**
 * y[r] = bias + x[r] W for a block of rows: the forward pass's one heavy kernel.
 *
 * <p>Every output element is the bias (or 0) followed by one {@link Math#fma} per inner index, in ascending
 * order. Any kernel that keeps that order (this one, unrolled over four rows so each W row is read once per four
 * outputs; a Vector API one) gives bit-identical results. Rows are separate arrays and every loop starts at
 * index 0: JDK 17's C2 only vectorizes loops whose arrays it can align together, and offsets into one big array
 * defeat it (measured: 3.3 vs 14 GMAC/s).
 */
final class Gemm {

    /** A product with this class's contract. */
    interface Kernel {
        String name();

        void multiply(float[][] x, int rows, float[][] w, int inner, int cols, float[] bias, float[][] y);

        /** y[0..n) += sum_k weights[k] rows[k][0..n), k < count, as one fma per k in ascending order. */
        void weightedSum(float[] weights, float[][] rows, int count, int n, float[] y);

        /**
         * {@link #weightedSum} for several outputs over the same rows: ys[o][0..n) += sum_k weights[o][k] rows[k][0..n)
         * for o < outputs, the same bits as one call per output, with each row read once for all of them.
         */
        void weightedSums(float[][] weights, float[][] rows, int count, int n, float[][] ys, int outputs);

        /** out[j] = {@link Exp#negative}(z[j] - shift) for j < n, bit for bit (shift >= every z[j]). */
        void exps(float[] z, int n, double shift, double[] out);

        /** out[i] = {@link Gemm#dots}'s sum of a[c] rows[i][c], c < n, for i < count; {@code partial}: 4 x PAD scratch. */
        void dots(float[] a, float[][] rows, int count, int n, double[] out, float[][] partial);
    }

    /** The plain-Java kernel (C2 auto-vectorization). */
    static final Kernel PLAIN = new Kernel() {
        @Override
        public String name() {
            return "plain Java";
        }

        @Override
        public void multiply(float[][] x, int rows, float[][] w, int inner, int cols, float[] bias, float[][] y) {
            plain(x, rows, w, inner, cols, bias, y);
        }

        @Override
        public void weightedSum(float[] weights, float[][] rows, int count, int n, float[] y) {
            plainWeightedSum(weights, rows, count, n, y);
        }

        @Override
        public void weightedSums(float[][] weights, float[][] rows, int count, int n, float[][] ys, int outputs) {
            for (int o = 0; o < outputs; o++) {
                plainWeightedSum(weights[o], rows, count, n, ys[o]);
            }
        }

        @Override
        public void exps(float[] z, int n, double shift, double[] out) {
            for (int j = 0; j < n; j++) {
                out[j] = Exp.negative(z[j] - shift);
            }
        }

        @Override
        public void dots(float[] a, float[][] rows, int count, int n, double[] out, float[][] partial) {
            for (int i = 0; i < count; i++) {
                Arrays.fill(partial[0], 0f);
                addProducts(a, rows[i], 0, n, partial[0]);
                out[i] = combine(partial[0]);
            }
        }
    };

    /**
     * {@link VectorGemm} when the JVM resolves {@code jdk.incubator.vector} (run with
     * {@code --add-modules jdk.incubator.vector}) and {@code -Doccam.engine.vector=false} is not set; else
     * {@link #PLAIN}. Either gives the same bits.
     */
    static final Kernel KERNEL = choose();

    /**
     * Rows that a kernel may fill to a multiple of this many floats (the widest vector, 512 bits): the left factor of
     * a factored weight and the scratch rows of (x A) are allocated this wide, zero-padded, so the Vector API kernel
     * computes their last columns as one whole vector instead of a slow scalar tail. Padding is never an input.
     */
    static final int PAD = 16;

    private Gemm() {}

    /** {@code cols} rounded up to a multiple of {@link #PAD}. */
    static int padded(int cols) {
        return (cols + PAD - 1) / PAD * PAD;
    }

    /** Which kernel this JVM uses, for logs and benchmarks. */
    static String kernelName() {
        return KERNEL.name();
    }

    /**
     * y[r][0..cols) = bias + sum_k x[r][k] w[k][0..cols), for r in [0, rows). {@code w} has {@code inner} rows;
     * {@code bias} may be null (zero).
     */
    static void multiply(float[][] x, int rows, float[][] w, int inner, int cols, float[] bias, float[][] y) {
        KERNEL.multiply(x, rows, w, inner, cols, bias, y);
    }

    /**
     * y[0..n) += sum_k weights[k] rows[k][0..n) for k < count: per element one fma per k, in ascending order, so
     * the same bits as {@code count} axpys one after another, with y read and written once instead of count times.
     */
    static void weightedSum(float[] weights, float[][] rows, int count, int n, float[] y) {
        KERNEL.weightedSum(weights, rows, count, n, y);
    }

    /** {@link Kernel#weightedSums} on this JVM's kernel. */
    static void weightedSums(float[][] weights, float[][] rows, int count, int n, float[][] ys, int outputs) {
        KERNEL.weightedSums(weights, rows, count, n, ys, outputs);
    }

    /**
     * out[i] = sum_c a[c] rows[i][c] for c < n and i < count (the last attention layer's scores), in float32 as
     * {@link #PAD} partial sums: partial p is the fma chain, in ascending c, of the terms with c mod PAD = p (so a
     * vector kernel holds them as lanes, whatever its width up to PAD), and they are added in a fixed tree
     * ({@link #combine}). The same bits on either kernel. The four-chain scalar loop it replaced was a tenth of a
     * 2-layer search's samples. {@code partial} is scratch of {@link #dotsScratch}'s shape, made once per caller: the
     * scores are taken per example and head, tens of thousands of times per model.
     */
    static void dots(float[] a, float[][] rows, int count, int n, double[] out, float[][] partial) {
        KERNEL.dots(a, rows, count, n, out, partial);
    }

    /** Scratch for {@link #dots}: four rows of {@link #PAD} partial sums. */
    static float[][] dotsScratch() {
        return new float[4][PAD];
    }

    /** partial[c mod PAD] = fma(a[c], b[c], partial[c mod PAD]) for c in [from, n), in ascending c. */
    static void addProducts(float[] a, float[] b, int from, int n, float[] partial) {
        for (int c = from; c < n; c++) {
            partial[c & (PAD - 1)] = Math.fma(a[c], b[c], partial[c & (PAD - 1)]);
        }
    }

    /** The {@link #PAD} partial sums added pairwise in a fixed tree: p with p + PAD/2, then p + PAD/4, ... (partial is overwritten). */
    static double combine(float[] partial) {
        for (int half = PAD / 2; half >= 1; half /= 2) {
            for (int p = 0; p < half; p++) {
                partial[p] += partial[p + half];
            }
        }
        return partial[0];
    }

    static void plainWeightedSum(float[] weights, float[][] rows, int count, int n, float[] y) {
        for (int k = 0; k < count; k++) {
            float w = weights[k];
            float[] row = rows[k];
            for (int c = 0; c < n; c++) {
                y[c] = Math.fma(w, row[c], y[c]);
            }
        }
    }

    private static Kernel choose() {
        if ("false".equals(System.getProperty("occam.engine.vector"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return PLAIN;
        }
        try {
            return (Kernel) Class.forName("occam.analysis.engine.loss.VectorGemm").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return PLAIN;
        }
    }

    static void plain(float[][] x, int rows, float[][] w, int inner, int cols, float[] bias, float[][] y) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            float[] y0 = y[r];
            float[] y1 = y[r + 1];
            float[] y2 = y[r + 2];
            float[] y3 = y[r + 3];
            float[] x0 = x[r];
            float[] x1 = x[r + 1];
            float[] x2 = x[r + 2];
            float[] x3 = x[r + 3];
            init(y0, bias, cols);
            init(y1, bias, cols);
            init(y2, bias, cols);
            init(y3, bias, cols);
            for (int k = 0; k < inner; k++) {
                float a0 = x0[k];
                float a1 = x1[k];
                float a2 = x2[k];
                float a3 = x3[k];
                float[] wk = w[k];
                for (int j = 0; j < cols; j++) {
                    float wv = wk[j];
                    y0[j] = Math.fma(a0, wv, y0[j]);
                    y1[j] = Math.fma(a1, wv, y1[j]);
                    y2[j] = Math.fma(a2, wv, y2[j]);
                    y3[j] = Math.fma(a3, wv, y3[j]);
                }
            }
        }
        for (; r < rows; r++) {
            float[] y0 = y[r];
            float[] x0 = x[r];
            init(y0, bias, cols);
            for (int k = 0; k < inner; k++) {
                float a0 = x0[k];
                float[] wk = w[k];
                for (int j = 0; j < cols; j++) {
                    y0[j] = Math.fma(a0, wk[j], y0[j]);
                }
            }
        }
    }

    private static void init(float[] y, float[] bias, int cols) {
        if (bias == null) {
            Arrays.fill(y, 0, cols, 0f);
        } else {
            System.arraycopy(bias, 0, y, 0, cols);
        }
    }
}
