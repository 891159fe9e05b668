package occam.analysis.engine.lowrank;

import java.util.function.DoubleUnaryOperator;

/**
 * Thin SVD of a matrix [rows, cols] = U diag(s) V^T, singular values descending, r = min(rows, cols).
 * {@code u} is [rows, r] and {@code v} is [cols, r], both row-major doubles. Read-only by convention.
 */
public record MatrixSvd(String name, int rows, int cols, double[] singularValues, double[] u, double[] v) {

    public MatrixSvd {
        int r = Math.min(rows, cols);
        if (singularValues.length != r || u.length != (long) rows * r || v.length != (long) cols * r) {
            throw new IllegalArgumentException("SVD of '" + name + "' [" + rows + ", " + cols + "]: expected " + r
                    + " singular values, got " + singularValues.length);
        }
    }

    /** min(rows, cols). */
    public int fullRank() {
        return singularValues.length;
    }

    /** The left factor U_k diag(s_k), [rows, k] row-major. */
    public double[] left(int k) {
        return left(k, s -> s);
    }

    /** The right factor V_k^T, [k, cols] row-major. */
    public double[] right(int k) {
        return right(k, s -> 1);
    }

    /** The balanced left factor U_k diag(s_k)^1/2, [rows, k] row-major: the same product as {@link #left}, {@link #right}. */
    public double[] balancedLeft(int k) {
        return left(k, Math::sqrt);
    }

    /** The balanced right factor diag(s_k)^1/2 V_k^T, [k, cols] row-major. */
    public double[] balancedRight(int k) {
        return right(k, Math::sqrt);
    }

    /** U_k diag(f(s_k)). */
    private double[] left(int k, DoubleUnaryOperator f) {
        int r = fullRank();
        double[] scale = scales(k, f);
        double[] out = new double[rows * k];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < k; c++) {
                out[i * k + c] = u[i * r + c] * scale[c];
            }
        }
        return out;
    }

    /** diag(f(s_k)) V_k^T. */
    private double[] right(int k, DoubleUnaryOperator f) {
        int r = fullRank();
        double[] scale = scales(k, f);
        double[] out = new double[k * cols];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < cols; j++) {
                out[c * cols + j] = v[j * r + c] * scale[c];
            }
        }
        return out;
    }

    private double[] scales(int k, DoubleUnaryOperator f) {
        double[] out = new double[k];
        for (int c = 0; c < k; c++) {
            out[c] = f.applyAsDouble(singularValues[c]);
        }
        return out;
    }
}
