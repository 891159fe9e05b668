package occam.analysis.engine.lowrank;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The SVD of a weight matrix and the truncation rule built on it.
 *
 * <p>k(tau) is the smallest k whose cumulative sum of singular values reaches tau x their total (paper eq. 13;
 * the authors' code keeps one fewer). The factors replace the matrix only when they are smaller:
 * k(m + n) < mn. Worked example, s = (3, 2, 1) of a 3 x 4 matrix: total 6; tau = 0.5 needs 3 >= 3, so k = 1
 * (stored as 1 x 7 = 7 < 12 values: factored); tau = 0.9 needs 5.4, so k = 3 (21 >= 12: kept dense).
 */
public final class LowRank {

    private LowRank() {}

    /** Thin SVD in double precision (EJML), singular values sorted descending. */
    public static MatrixSvd decompose(String name, int rows, int cols, float[] values) {
        if (values.length != (long) rows * cols) {
            throw new IllegalArgumentException("matrix '" + name + "' [" + rows + ", " + cols + "] needs " + (long) rows * cols
                    + " values, got " + values.length);
        }
        DMatrixRMaj a = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < values.length; i++) {
            a.data[i] = values[i];
        }
        int r = Math.min(rows, cols);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, cols, true, true, true);
        if (!svd.decompose(a)) {
            throw new IllegalArgumentException("SVD of matrix '" + name + "' [" + rows + ", " + cols + "] did not converge");
        }
        DMatrixRMaj u = svd.getU(null, false); // rows x r
        DMatrixRMaj v = svd.getV(null, false); // cols x r
        double[] s = svd.getSingularValues().clone();
        SingularOps_DDRM.descendingOrder(u, false, s, r, v, false);
        double[] sv = new double[r];
        System.arraycopy(s, 0, sv, 0, r);
        return new MatrixSvd(name, rows, cols, sv, copy(u, rows, r), copy(v, cols, r));
    }

    /**
     * k(tau): the smallest k with s_1 + ... + s_k >= tau x (s_1 + ... + s_r), for tau in [0, 1]. The total is the
     * same running sum's last value, so tau = 1 reaches exactly the last non-zero singular value. A zero matrix
     * gives 0.
     */
    public static int rank(double[] singularValuesDescending, double tau) {
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("tau(" + tau + ") outside [0, 1]");
        }
        int r = singularValuesDescending.length;
        double total = 0;
        for (double s : singularValuesDescending) {
            total += s;
        }
        double target = tau * total;
        double sum = 0;
        for (int k = 0; k < r; k++) {
            if (sum >= target) {
                return k;
            }
            sum += singularValuesDescending[k];
        }
        return r;
    }

    /** Whether rank-k factors of an m x n matrix store fewer values than the matrix: k(m + n) < mn. */
    public static boolean factorsAreSmaller(int k, int rows, int cols) {
        return (long) k * (rows + cols) < (long) rows * cols;
    }

    private static double[] copy(DMatrixRMaj m, int rows, int cols) {
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = m.get(i, j);
            }
        }
        return out;
    }
}
