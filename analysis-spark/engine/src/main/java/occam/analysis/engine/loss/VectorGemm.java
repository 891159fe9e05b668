package occam.analysis.engine.loss;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm}'s product on the JDK Vector API (incubator module {@code jdk.incubator.vector}): 4 rows x 4 vectors
 * of columns (then 4 x 2 for what remains) held in registers across the whole inner loop, where C2's auto-vectorized
 * loop has to load and store the outputs at every inner index. Measured on this project's 2-core Xeon (AVX-512), 4 x 2:
 * 50-60 GMAC/s against 14; on a 2-core AMD EPYC (Zen 4, 16 float FMAs a cycle), 4 x 4: 46-54 GMAC/s against 44-46.
 *
 * <p>Same contract, same bits: every output is the bias (or 0) followed by one fused multiply-add per inner index
 * in ascending order, lane by lane, so results equal the scalar kernel's exactly, whatever the vector width. The
 * last columns, fewer than a vector (a factor's rank is rarely a multiple of 16), run k-outer over four rows at a
 * time, accumulating in the outputs: column by column their fused multiply-adds wait on each other and took half
 * of the loss's time (masked vectors were slower still on JDK 17).
 * The loss's exponentials ({@link #exps}) run here too, a vector of doubles at a time (8 with AVX-512), with
 * {@link Exp}'s operations.
 * Loaded only when the JVM resolves the module ({@code --add-modules jdk.incubator.vector}); see {@link Gemm}.
 */
final class VectorGemm implements Gemm.Kernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Adding and subtracting 1.5 x 2^52 rounds a double below 2^51 in magnitude to an integer, ties to even: Math.rint. */
    private static final double ROUND = 0x1.8p52;
    /** k + BIAS holds k + 1023 (the exponent field of 2^k) in its low mantissa bits, for an integer k in [-1022, 0]. */
    private static final double BIAS = 0x1p52 + 1023;

    @Override
    public String name() {
        return "Vector API, " + S.vectorBitSize() + "-bit";
    }

    @Override
    public void multiply(float[][] x, int rows, float[][] w, int inner, int cols, float[] bias, float[][] y) {
        // padded rows (a factor and its scratch) are computed whole vectors wide: see block4
        int padded = (cols + L - 1) / L * L;
        int width = padded > cols && fits(w, inner, padded, bias) && holds(y, rows, padded) ? padded : cols;
        int r = 0;
        int paired = width - width % (2 * L);
        if (width - paired == L) {
            // one vector of columns past the 4 x 4 and 4 x 2 tiles (a low-rank factor's product): eight rows at a time,
            // eight fma chains in flight where four (vector4) left half the FMA units waiting on their latency
            for (; r + 8 <= rows; r += 8) {
                block4(x[r], x[r + 1], x[r + 2], x[r + 3], w, inner, paired, bias, false, y[r], y[r + 1], y[r + 2], y[r + 3]);
                block4(x[r + 4], x[r + 5], x[r + 6], x[r + 7], w, inner, paired, bias, false, y[r + 4], y[r + 5], y[r + 6], y[r + 7]);
                vector8(x, r, w, inner, paired, bias, y);
            }
        }
        for (; r + 4 <= rows; r += 4) {
            block4(x[r], x[r + 1], x[r + 2], x[r + 3], w, inner, width, bias, false, y[r], y[r + 1], y[r + 2], y[r + 3]);
        }
        for (; r < rows; r++) {
            row1(x[r], w, inner, cols, bias, y[r]);
        }
    }

    @Override
    public void weightedSum(float[] weights, float[][] rows, int count, int n, float[] y) {
        int c = 0;
        // four vectors of columns at once: each is a chain of count dependent fmas, and one chain alone leaves the
        // FMA units waiting on its latency (interleaved, they keep them busy; each column's sum is unchanged)
        for (; c + 4 * L <= n; c += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(S, y, c);
            FloatVector a1 = FloatVector.fromArray(S, y, c + L);
            FloatVector a2 = FloatVector.fromArray(S, y, c + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, y, c + 3 * L);
            for (int k = 0; k < count; k++) {
                float[] row = rows[k];
                FloatVector w = FloatVector.broadcast(S, weights[k]);
                a0 = FloatVector.fromArray(S, row, c).fma(w, a0);
                a1 = FloatVector.fromArray(S, row, c + L).fma(w, a1);
                a2 = FloatVector.fromArray(S, row, c + 2 * L).fma(w, a2);
                a3 = FloatVector.fromArray(S, row, c + 3 * L).fma(w, a3);
            }
            a0.intoArray(y, c);
            a1.intoArray(y, c + L);
            a2.intoArray(y, c + 2 * L);
            a3.intoArray(y, c + 3 * L);
        }
        for (; c + L <= n; c += L) {
            FloatVector acc = FloatVector.fromArray(S, y, c);
            for (int k = 0; k < count; k++) {
                acc = FloatVector.fromArray(S, rows[k], c).fma(FloatVector.broadcast(S, weights[k]), acc);
            }
            acc.intoArray(y, c);
        }
        for (; c < n; c++) {
            float acc = y[c];
            for (int k = 0; k < count; k++) {
                acc = Math.fma(weights[k], rows[k][c], acc);
            }
            y[c] = acc;
        }
    }

    @Override
    public void weightedSums(float[][] weights, float[][] rows, int count, int n, float[][] ys, int outputs) {
        int o = 0;
        for (; o + 4 <= outputs; o += 4) {
            // the product's kernel with the weights as x and the rows as W, accumulating into the outputs: each row
            // vector is loaded once for four fmas
            block4(weights[o], weights[o + 1], weights[o + 2], weights[o + 3], rows, count, n, null, true, ys[o], ys[o + 1],
                    ys[o + 2], ys[o + 3]);
        }
        for (; o < outputs; o++) {
            weightedSum(weights[o], rows, count, n, ys[o]);
        }
    }

    /**
     * {@link Gemm#dots}: lane l of a vector at column c + q L holds partial q L + l (L divides {@link Gemm#PAD}), four
     * rows at a time so that four fma chains are in flight; the last columns (fewer than PAD) and vectors wider than
     * PAD go through the plain kernel's steps.
     */
    @Override
    public void dots(float[] a, float[][] rows, int count, int n, double[] out, float[][] partial) {
        if (L > Gemm.PAD) {
            Gemm.PLAIN.dots(a, rows, count, n, out, partial);
            return;
        }
        int full = n - n % Gemm.PAD;
        int i = 0;
        for (; i < count; i += 4) {
            int m = Math.min(4, count - i);
            float[] b0 = rows[i];
            float[] b1 = rows[i + Math.min(1, m - 1)];
            float[] b2 = rows[i + Math.min(2, m - 1)];
            float[] b3 = rows[i + Math.min(3, m - 1)];
            for (int q = 0; q < Gemm.PAD; q += L) {
                FloatVector s0 = FloatVector.zero(S);
                FloatVector s1 = s0;
                FloatVector s2 = s0;
                FloatVector s3 = s0;
                for (int c = q; c < full; c += Gemm.PAD) {
                    FloatVector av = FloatVector.fromArray(S, a, c);
                    s0 = FloatVector.fromArray(S, b0, c).fma(av, s0);
                    s1 = FloatVector.fromArray(S, b1, c).fma(av, s1);
                    s2 = FloatVector.fromArray(S, b2, c).fma(av, s2);
                    s3 = FloatVector.fromArray(S, b3, c).fma(av, s3);
                }
                s0.intoArray(partial[0], q);
                s1.intoArray(partial[1], q);
                s2.intoArray(partial[2], q);
                s3.intoArray(partial[3], q);
            }
            for (int r = 0; r < m; r++) {
                Gemm.addProducts(a, rows[i + r], full, n, partial[r]);
                out[i + r] = Gemm.combine(partial[r]);
            }
        }
    }

    /**
     * {@link Exp#negative} lane by lane, with the same operations in the same order (multiplications and additions
     * each rounded, no fused ones), so the same bits; a vector holding an argument below {@link Exp#NORMAL} (a
     * subnormal or zero result) or a NaN, and the last arguments, go through the scalar function.
     */
    @Override
    public void exps(float[] z, int n, double shift, double[] out) {
        // the arguments first, by C2's loop: a float vector of another shape than S, once loaded, slowed this class's
        // products 5x (measured), so no FloatVector converts here
        for (int j = 0; j < n; j++) {
            out[j] = z[j] - shift;
        }
        int j = 0;
        for (; j + D.length() <= n; j += D.length()) {
            DoubleVector x = DoubleVector.fromArray(D, out, j);
            if (!x.compare(VectorOperators.GE, Exp.NORMAL).allTrue()) {
                for (int i = j; i < j + D.length(); i++) {
                    out[i] = Exp.negative(out[i]);
                }
                continue;
            }
            DoubleVector k = x.mul(Exp.LOG2E).add(ROUND).sub(ROUND);
            DoubleVector r = x.sub(k.mul(Exp.LN2_HI)).sub(k.mul(Exp.LN2_LO));
            DoubleVector p = DoubleVector.broadcast(D, Exp.TAYLOR[0]);
            for (int i = 1; i < Exp.TAYLOR.length; i++) {
                p = p.mul(r).add(Exp.TAYLOR[i]);
            }
            p = p.mul(r).add(1.0);
            p = p.mul(r).add(1.0);
            // k + 1023 + 2^52 holds k + 1023 in its low mantissa bits: shifted into the exponent field, 2^k
            LongVector bits = k.add(BIAS).reinterpretAsLongs().lanewise(VectorOperators.LSHL, 52);
            p.mul(bits.reinterpretAsDoubles()).intoArray(out, j);
        }
        for (; j < n; j++) {
            out[j] = Exp.negative(out[j]);
        }
    }

    /**
     * y_r[0..cols) = bias (or 0) + x_r W for four rows r, or with {@code accumulate} y_r[0..cols) += x_r W: per output
     * one fma per inner index in ascending order either way.
     */
    private static void block4(float[] x0, float[] x1, float[] x2, float[] x3, float[][] w, int inner, int cols, float[] bias,
            boolean accumulate, float[] y0, float[] y1, float[] y2, float[] y3) {
        int j = 0;
        for (; j + 4 * L <= cols; j += 4 * L) {
            block4x4(x0, x1, x2, x3, w, inner, j, bias, accumulate, y0, y1, y2, y3);
        }
        for (; j + 2 * L <= cols; j += 2 * L) {
            FloatVector a0 = accumulate ? FloatVector.fromArray(S, y0, j) : start(bias, j);
            FloatVector a1 = accumulate ? FloatVector.fromArray(S, y1, j) : a0;
            FloatVector a2 = accumulate ? FloatVector.fromArray(S, y2, j) : a0;
            FloatVector a3 = accumulate ? FloatVector.fromArray(S, y3, j) : a0;
            FloatVector b0 = accumulate ? FloatVector.fromArray(S, y0, j + L) : start(bias, j + L);
            FloatVector b1 = accumulate ? FloatVector.fromArray(S, y1, j + L) : b0;
            FloatVector b2 = accumulate ? FloatVector.fromArray(S, y2, j + L) : b0;
            FloatVector b3 = accumulate ? FloatVector.fromArray(S, y3, j + L) : b0;
            for (int k = 0; k < inner; k++) {
                float[] wk = w[k];
                FloatVector w0 = FloatVector.fromArray(S, wk, j);
                FloatVector w1 = FloatVector.fromArray(S, wk, j + L);
                FloatVector v0 = FloatVector.broadcast(S, x0[k]);
                FloatVector v1 = FloatVector.broadcast(S, x1[k]);
                FloatVector v2 = FloatVector.broadcast(S, x2[k]);
                FloatVector v3 = FloatVector.broadcast(S, x3[k]);
                a0 = w0.fma(v0, a0);
                a1 = w0.fma(v1, a1);
                a2 = w0.fma(v2, a2);
                a3 = w0.fma(v3, a3);
                b0 = w1.fma(v0, b0);
                b1 = w1.fma(v1, b1);
                b2 = w1.fma(v2, b2);
                b3 = w1.fma(v3, b3);
            }
            a0.intoArray(y0, j);
            a1.intoArray(y1, j);
            a2.intoArray(y2, j);
            a3.intoArray(y3, j);
            b0.intoArray(y0, j + L);
            b1.intoArray(y1, j + L);
            b2.intoArray(y2, j + L);
            b3.intoArray(y3, j + L);
        }
        for (; j + L <= cols; j += L) {
            vector4(x0, x1, x2, x3, w, inner, j, bias, accumulate, y0, y1, y2, y3);
        }
        if (j < cols) {
            // rows padded to whole vectors (Gemm.padded: a factor and its scratch) take the last chunk whole: the lanes
            // past cols compute from zeros and are never read
            if (fits(w, inner, j + L, bias) && y0.length >= j + L && y1.length >= j + L && y2.length >= j + L
                    && y3.length >= j + L) {
                vector4(x0, x1, x2, x3, w, inner, j, bias, accumulate, y0, y1, y2, y3);
            } else {
                tail4(x0, x1, x2, x3, w, inner, j, cols, bias, accumulate, y0, y1, y2, y3);
            }
        }
    }

    /**
     * Columns [j, j + 4L) of four rows: 16 accumulators, so each inner index loads four vectors of W and four
     * broadcasts for 16 fused multiply-adds (the 2-vector tile's 6 loads for 8 left the loads, not the FMA units, the
     * limit).
     */
    private static void block4x4(float[] x0, float[] x1, float[] x2, float[] x3, float[][] w, int inner, int j, float[] bias,
            boolean accumulate, float[] y0, float[] y1, float[] y2, float[] y3) {
        FloatVector a0 = accumulate ? FloatVector.fromArray(S, y0, j) : start(bias, j);
        FloatVector a1 = accumulate ? FloatVector.fromArray(S, y1, j) : a0;
        FloatVector a2 = accumulate ? FloatVector.fromArray(S, y2, j) : a0;
        FloatVector a3 = accumulate ? FloatVector.fromArray(S, y3, j) : a0;
        FloatVector b0 = accumulate ? FloatVector.fromArray(S, y0, j + L) : start(bias, j + L);
        FloatVector b1 = accumulate ? FloatVector.fromArray(S, y1, j + L) : b0;
        FloatVector b2 = accumulate ? FloatVector.fromArray(S, y2, j + L) : b0;
        FloatVector b3 = accumulate ? FloatVector.fromArray(S, y3, j + L) : b0;
        FloatVector c0 = accumulate ? FloatVector.fromArray(S, y0, j + 2 * L) : start(bias, j + 2 * L);
        FloatVector c1 = accumulate ? FloatVector.fromArray(S, y1, j + 2 * L) : c0;
        FloatVector c2 = accumulate ? FloatVector.fromArray(S, y2, j + 2 * L) : c0;
        FloatVector c3 = accumulate ? FloatVector.fromArray(S, y3, j + 2 * L) : c0;
        FloatVector d0 = accumulate ? FloatVector.fromArray(S, y0, j + 3 * L) : start(bias, j + 3 * L);
        FloatVector d1 = accumulate ? FloatVector.fromArray(S, y1, j + 3 * L) : d0;
        FloatVector d2 = accumulate ? FloatVector.fromArray(S, y2, j + 3 * L) : d0;
        FloatVector d3 = accumulate ? FloatVector.fromArray(S, y3, j + 3 * L) : d0;
        for (int k = 0; k < inner; k++) {
            float[] wk = w[k];
            FloatVector v0 = FloatVector.broadcast(S, x0[k]);
            FloatVector v1 = FloatVector.broadcast(S, x1[k]);
            FloatVector v2 = FloatVector.broadcast(S, x2[k]);
            FloatVector v3 = FloatVector.broadcast(S, x3[k]);
            FloatVector w0 = FloatVector.fromArray(S, wk, j);
            a0 = w0.fma(v0, a0);
            a1 = w0.fma(v1, a1);
            a2 = w0.fma(v2, a2);
            a3 = w0.fma(v3, a3);
            FloatVector w1 = FloatVector.fromArray(S, wk, j + L);
            b0 = w1.fma(v0, b0);
            b1 = w1.fma(v1, b1);
            b2 = w1.fma(v2, b2);
            b3 = w1.fma(v3, b3);
            FloatVector w2 = FloatVector.fromArray(S, wk, j + 2 * L);
            c0 = w2.fma(v0, c0);
            c1 = w2.fma(v1, c1);
            c2 = w2.fma(v2, c2);
            c3 = w2.fma(v3, c3);
            FloatVector w3 = FloatVector.fromArray(S, wk, j + 3 * L);
            d0 = w3.fma(v0, d0);
            d1 = w3.fma(v1, d1);
            d2 = w3.fma(v2, d2);
            d3 = w3.fma(v3, d3);
        }
        a0.intoArray(y0, j);
        a1.intoArray(y1, j);
        a2.intoArray(y2, j);
        a3.intoArray(y3, j);
        b0.intoArray(y0, j + L);
        b1.intoArray(y1, j + L);
        b2.intoArray(y2, j + L);
        b3.intoArray(y3, j + L);
        c0.intoArray(y0, j + 2 * L);
        c1.intoArray(y1, j + 2 * L);
        c2.intoArray(y2, j + 2 * L);
        c3.intoArray(y3, j + 2 * L);
        d0.intoArray(y0, j + 3 * L);
        d1.intoArray(y1, j + 3 * L);
        d2.intoArray(y2, j + 3 * L);
        d3.intoArray(y3, j + 3 * L);
    }

    /** Columns [j, j + L) of rows r..r+7 (no bias read past it: the caller checked that W and the bias hold j + L). */
    private static void vector8(float[][] x, int r, float[][] w, int inner, int j, float[] bias, float[][] y) {
        float[] x0 = x[r];
        float[] x1 = x[r + 1];
        float[] x2 = x[r + 2];
        float[] x3 = x[r + 3];
        float[] x4 = x[r + 4];
        float[] x5 = x[r + 5];
        float[] x6 = x[r + 6];
        float[] x7 = x[r + 7];
        FloatVector a0 = start(bias, j);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int k = 0; k < inner; k++) {
            FloatVector w0 = FloatVector.fromArray(S, w[k], j);
            a0 = w0.fma(FloatVector.broadcast(S, x0[k]), a0);
            a1 = w0.fma(FloatVector.broadcast(S, x1[k]), a1);
            a2 = w0.fma(FloatVector.broadcast(S, x2[k]), a2);
            a3 = w0.fma(FloatVector.broadcast(S, x3[k]), a3);
            a4 = w0.fma(FloatVector.broadcast(S, x4[k]), a4);
            a5 = w0.fma(FloatVector.broadcast(S, x5[k]), a5);
            a6 = w0.fma(FloatVector.broadcast(S, x6[k]), a6);
            a7 = w0.fma(FloatVector.broadcast(S, x7[k]), a7);
        }
        a0.intoArray(y[r], j);
        a1.intoArray(y[r + 1], j);
        a2.intoArray(y[r + 2], j);
        a3.intoArray(y[r + 3], j);
        a4.intoArray(y[r + 4], j);
        a5.intoArray(y[r + 5], j);
        a6.intoArray(y[r + 6], j);
        a7.intoArray(y[r + 7], j);
    }

    /** Whether the first {@code rows} rows of {@code y} hold {@code end} floats each. */
    private static boolean holds(float[][] y, int rows, int end) {
        for (int r = 0; r < rows; r++) {
            if (y[r].length < end) {
                return false;
            }
        }
        return true;
    }

    /** Columns [j, j + L) of four rows. */
    private static void vector4(float[] x0, float[] x1, float[] x2, float[] x3, float[][] w, int inner, int j, float[] bias,
            boolean accumulate, float[] y0, float[] y1, float[] y2, float[] y3) {
        FloatVector a0 = accumulate ? FloatVector.fromArray(S, y0, j) : start(bias, j);
        FloatVector a1 = accumulate ? FloatVector.fromArray(S, y1, j) : a0;
        FloatVector a2 = accumulate ? FloatVector.fromArray(S, y2, j) : a0;
        FloatVector a3 = accumulate ? FloatVector.fromArray(S, y3, j) : a0;
        for (int k = 0; k < inner; k++) {
            FloatVector w0 = FloatVector.fromArray(S, w[k], j);
            a0 = w0.fma(FloatVector.broadcast(S, x0[k]), a0);
            a1 = w0.fma(FloatVector.broadcast(S, x1[k]), a1);
            a2 = w0.fma(FloatVector.broadcast(S, x2[k]), a2);
            a3 = w0.fma(FloatVector.broadcast(S, x3[k]), a3);
        }
        a0.intoArray(y0, j);
        a1.intoArray(y1, j);
        a2.intoArray(y2, j);
        a3.intoArray(y3, j);
    }

    /** Whether every row of {@code w} (rectangular: its first and last are checked) and the bias hold {@code end} floats. */
    private static boolean fits(float[][] w, int inner, int end, float[] bias) {
        return inner > 0 && w[0].length >= end && w[inner - 1].length >= end && (bias == null || bias.length >= end);
    }

    /** Columns [from, cols) of four rows: per inner index, one fused multiply-add into each output, in order. */
    private static void tail4(float[] x0, float[] x1, float[] x2, float[] x3, float[][] w, int inner, int from, int cols,
            float[] bias, boolean accumulate, float[] y0, float[] y1, float[] y2, float[] y3) {
        if (!accumulate) {
            for (int j = from; j < cols; j++) {
                float b = bias == null ? 0f : bias[j];
                y0[j] = b;
                y1[j] = b;
                y2[j] = b;
                y3[j] = b;
            }
        }
        for (int k = 0; k < inner; k++) {
            float[] wk = w[k];
            float v0 = x0[k];
            float v1 = x1[k];
            float v2 = x2[k];
            float v3 = x3[k];
            for (int j = from; j < cols; j++) {
                float wj = wk[j];
                y0[j] = Math.fma(v0, wj, y0[j]);
                y1[j] = Math.fma(v1, wj, y1[j]);
                y2[j] = Math.fma(v2, wj, y2[j]);
                y3[j] = Math.fma(v3, wj, y3[j]);
            }
        }
    }

    private static void row1(float[] x0, float[][] w, int inner, int cols, float[] bias, float[] y0) {
        int j = 0;
        for (; j + L <= cols; j += L) {
            FloatVector a0 = start(bias, j);
            for (int k = 0; k < inner; k++) {
                a0 = FloatVector.fromArray(S, w[k], j).fma(FloatVector.broadcast(S, x0[k]), a0);
            }
            a0.intoArray(y0, j);
        }
        if (j < cols) {
            scalarTail(x0, w, inner, j, cols, bias, y0);
        }
    }

    private static FloatVector start(float[] bias, int j) {
        return bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, j);
    }

    private static void scalarTail(float[] x0, float[][] w, int inner, int from, int cols, float[] bias, float[] y0) {
        for (int j = from; j < cols; j++) {
            float acc = bias == null ? 0f : bias[j];
            for (int k = 0; k < inner; k++) {
                acc = Math.fma(x0[k], w[k][j], acc);
            }
            y0[j] = acc;
        }
    }
}
