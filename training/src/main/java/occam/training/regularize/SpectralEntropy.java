package occam.training.regularize;

import occam.schemas.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Spectral entropy of a matrix, computed exactly in double precision from a full SVD (EJML): normalized singular
 * values p_i = s_i / sum(s), H = -sum p_i ln p_i (nats), effective rank exp(H). Its gradient is
 * {@code dH/dW = U diag(g) V^T} with {@code g_i = -(ln p_i + H) / sum(s)}.
 *
 * <p>This is the reference: metrics use it at checkpoints, and the tests hold the fast per-step path
 * ({@link SpectralPenalty}) to it.
 */
public final class SpectralEntropy {

    /**
     * Singular values below this fraction of the largest count as zero: no entropy and no gradient. Such directions
     * are numerically null (float32 weights resolve about 1e-7), and at an exactly zero singular value the entropy
     * has no gradient.
     */
    public static final double ZERO_TOLERANCE = 1e-9;

    private SpectralEntropy() {}

    /** Entropy (nats) of the normalized singular values; those below {@link #ZERO_TOLERANCE} x the largest count as 0. */
    public static double entropy(double[] singularValues) {
        double max = 0;
        for (double s : singularValues) {
            max = Math.max(max, s);
        }
        double floor = ZERO_TOLERANCE * max;
        double total = 0;
        for (double s : singularValues) {
            if (s > floor) {
                total += s;
            }
        }
        if (!(total > 0)) {
            return 0;
        }
        double h = 0;
        for (double s : singularValues) {
            if (s > floor) {
                double p = s / total;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    /** Singular values of a 2-D tensor ([rows, cols], row-major), descending. */
    public static double[] singularValues(Tensor matrix) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd = decompose(matrix, false);
        // the returned array can be longer than the number of singular values
        double[] s = java.util.Arrays.copyOf(svd.getSingularValues(), svd.numberOfSingularValues());
        java.util.Arrays.sort(s);
        reverse(s);
        return s;
    }

    /** Entropy (nats) of a 2-D tensor's singular values. */
    public static double entropy(Tensor matrix) {
        return entropy(singularValues(matrix));
    }

    /** dH/dW of a 2-D tensor, row-major, from its full SVD. */
    public static double[] gradient(Tensor matrix) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd = decompose(matrix, true);
        int k = svd.numberOfSingularValues();
        double[] s = java.util.Arrays.copyOf(svd.getSingularValues(), k);
        double max = 0;
        for (double v : s) {
            max = Math.max(max, v);
        }
        double total = 0;
        for (int i = 0; i < k; i++) {
            if (s[i] <= ZERO_TOLERANCE * max) {
                s[i] = 0;
            }
            total += s[i];
        }
        double h = entropy(s);
        DMatrixRMaj u = svd.getU(null, false); // (rows, k)
        DMatrixRMaj v = svd.getV(null, false); // (cols, k)
        int rows = matrix.shape()[0];
        int cols = matrix.shape()[1];
        double[] out = new double[rows * cols];
        for (int i = 0; i < k; i++) {
            if (s[i] == 0) {
                continue; // a zero singular value's vectors are arbitrary: no gradient there
            }
            double g = -(Math.log(s[i] / total) + h) / total;
            for (int r = 0; r < rows; r++) {
                double ur = g * u.get(r, i);
                for (int c = 0; c < cols; c++) {
                    out[r * cols + c] += ur * v.get(c, i);
                }
            }
        }
        return out;
    }

    private static SingularValueDecomposition_F64<DMatrixRMaj> decompose(Tensor matrix, boolean vectors) {
        int[] shape = matrix.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException("spectral entropy needs a 2-D tensor, got " + matrix);
        }
        DMatrixRMaj a = new DMatrixRMaj(shape[0], shape[1]);
        float[] values = matrix.values();
        for (int i = 0; i < values.length; i++) {
            a.data[i] = values[i];
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(shape[0], shape[1], vectors, vectors, true);
        if (!svd.decompose(a)) {
            throw new ArithmeticException("SVD of a " + shape[0] + "x" + shape[1] + " matrix did not converge");
        }
        return svd;
    }

    private static void reverse(double[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
