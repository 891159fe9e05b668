package occam.analysis.engine.loss;

import java.util.Arrays;
import occam.analysis.engine.model.CoarseTensor;

/**
 * A dense layer y = x W + b with W [in, out] either whole or as factors A [in, k] B [k, out]; factors are applied
 * as (x A) B, which is also cheaper exactly when they were stored (k(in + out) < in x out). Triplets that quantized
 * to nothing ({@link CoarseTensor#liveTriplets}) are left out, so a model's loss depends only on its function.
 */
final class Linear {

    final int in;
    final int out;
    final float[] bias;
    private final float[][] w;
    private final float[][] a;
    private final float[][] b;
    private final int rank;

    private Linear(int in, int out, float[][] w, float[][] a, float[][] b, int rank, float[] bias) {
        this.in = in;
        this.out = out;
        this.w = w;
        this.a = a;
        this.b = b;
        this.rank = rank;
        this.bias = bias;
    }

    static Linear of(CoarseTensor weight, float[] bias) {
        int in = weight.rows();
        int out = weight.cols();
        if (weight.dimensions() != 2) {
            throw new IllegalArgumentException("tensor '" + weight.name() + "' is not a matrix");
        }
        if (bias != null && bias.length != out) {
            throw new IllegalArgumentException("bias of '" + weight.name() + "' has " + bias.length + " values, expected " + out);
        }
        if (weight.isFactored()) {
            // only the triplets that add anything: models that differ in dead triplets alone give the same bits
            int k = weight.rank();
            int[] live = weight.liveTriplets().stream().toArray();
            float[][] left = new float[in][Gemm.padded(live.length)];
            float[][] right = new float[live.length][];
            float[] a = weight.left();
            float[] b = weight.right();
            for (int t = 0; t < live.length; t++) {
                int j = live[t];
                for (int i = 0; i < in; i++) {
                    left[i][t] = a[i * k + j];
                }
                right[t] = Arrays.copyOfRange(b, j * out, (j + 1) * out);
            }
            return new Linear(in, out, null, left, right, live.length, bias);
        }
        return new Linear(in, out, rows(weight.values(), in, out), null, null, -1, bias);
    }

    boolean isFactored() {
        return a != null;
    }

    /** Columns of the scratch rows {@link #apply} needs (the rank when factored). */
    int scratchWidth() {
        return Math.max(rank, 0);
    }

    /** y[r] = bias + x[r] W for r < rows; {@code scratch} holds rows of at least {@link #scratchWidth()} floats. */
    void apply(float[][] x, int rows, float[][] y, float[][] scratch) {
        if (a == null) {
            Gemm.multiply(x, rows, w, in, out, bias, y);
        } else {
            Gemm.multiply(x, rows, a, in, rank, null, scratch);
            Gemm.multiply(scratch, rows, b, rank, out, bias, y);
        }
    }

    /** y[r] = x[r] W, without the bias. */
    void applyWithoutBias(float[][] x, int rows, float[][] y, float[][] scratch) {
        if (a == null) {
            Gemm.multiply(x, rows, w, in, out, null, y);
        } else {
            Gemm.multiply(x, rows, a, in, rank, null, scratch);
            Gemm.multiply(scratch, rows, b, rank, out, null, y);
        }
    }

    /** W itself, [in][out] (multiplied out when factored, each element an fma chain over the rank). */
    float[][] dense() {
        if (a == null) {
            return w;
        }
        float[][] full = new float[in][out];
        Gemm.multiply(a, in, b, rank, out, null, full);
        return full;
    }

    static float[][] rows(float[] flat, int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, out[i], 0, cols);
        }
        return out;
    }
}
