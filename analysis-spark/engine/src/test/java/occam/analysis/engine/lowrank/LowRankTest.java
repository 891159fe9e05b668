package occam.analysis.engine.lowrank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LowRankTest {

    @Test
    void workedExampleFromTheJavadoc() {
        double[] s = {3, 2, 1};
        assertEquals(0, LowRank.rank(s, 0));
        assertEquals(1, LowRank.rank(s, 0.5));   // 3 >= 3
        assertEquals(2, LowRank.rank(s, 0.6));   // 3 < 3.6, 5 >= 3.6
        assertEquals(3, LowRank.rank(s, 0.9));   // 5 < 5.4
        assertEquals(3, LowRank.rank(s, 1));
        assertTrue(LowRank.factorsAreSmaller(1, 3, 4));   // 7 < 12
        assertFalse(LowRank.factorsAreSmaller(2, 3, 4));  // 14 >= 12
        assertFalse(LowRank.factorsAreSmaller(64, 128, 128)); // 16384 = 16384: not smaller
        assertTrue(LowRank.factorsAreSmaller(63, 128, 128));
    }

    @Test
    void exactRankPlusTinyNoiseKeepsTheRankJustBelowOne() {
        Random random = new Random(3);
        int m = 40;
        int n = 25;
        for (int r : new int[] {1, 3, 7}) {
            float[] w = new float[m * n];
            double[][] a = new double[m][r];
            double[][] b = new double[r][n];
            for (double[] row : a) {
                for (int k = 0; k < r; k++) {
                    row[k] = random.nextGaussian();
                }
            }
            for (double[] row : b) {
                for (int j = 0; j < n; j++) {
                    row[j] = random.nextGaussian();
                }
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double x = 0;
                    for (int k = 0; k < r; k++) {
                        x += a[i][k] * b[k][j];
                    }
                    w[i * n + j] = (float) (x + 1e-6 * random.nextGaussian());
                }
            }
            MatrixSvd svd = LowRank.decompose("w", m, n, w);
            // the noise spectrum sums to about 25 x 1e-6 x sqrt(40) = 1.6e-4 of a total near 50 x r
            assertEquals(r, LowRank.rank(svd.singularValues(), 1 - 1e-4), "rank " + r);
            assertEquals(n, LowRank.rank(svd.singularValues(), 1), "tau = 1 keeps every non-zero triplet");
        }
    }

    @Test
    void factorsMultiplyBackToTheMatrix() {
        Random random = new Random(5);
        float[] w = new float[6 * 4];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        MatrixSvd svd = LowRank.decompose("w", 6, 4, w);
        for (int i = 1; i < 4; i++) {
            assertTrue(svd.singularValues()[i - 1] >= svd.singularValues()[i], "descending");
        }
        double[] left = svd.left(4);
        double[] right = svd.right(4);
        double[] product = new double[24];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 4; k++) {
                    product[i * 4 + j] += left[i * 4 + k] * right[k * 4 + j];
                }
            }
        }
        double[] expected = new double[24];
        for (int i = 0; i < 24; i++) {
            expected[i] = w[i];
        }
        assertArrayEquals(expected, product, 1e-6);
    }

    @Test
    void theBalancedSplitHasThePapersProductAndEqualTripletNorms() {
        Random random = new Random(5);
        int m = 12;
        int n = 7;
        float[] w = new float[m * n];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        MatrixSvd svd = LowRank.decompose("w", m, n, w);
        int k = 4;
        double[] l = svd.left(k);
        double[] r = svd.right(k);
        double[] bl = svd.balancedLeft(k);
        double[] br = svd.balancedRight(k);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double paper = 0;
                double balanced = 0;
                for (int c = 0; c < k; c++) {
                    paper += l[i * k + c] * r[c * n + j];
                    balanced += bl[i * k + c] * br[c * n + j];
                }
                assertEquals(paper, balanced, 1e-12);
            }
        }
        for (int c = 0; c < k; c++) {
            double left = 0;
            double right = 0;
            for (int i = 0; i < m; i++) {
                left += bl[i * k + c] * bl[i * k + c];
            }
            for (int j = 0; j < n; j++) {
                right += br[c * n + j] * br[c * n + j];
            }
            assertEquals(svd.singularValues()[c], left, 1e-9, "column " + c + " of U diag(s)^1/2 has norm^2 s_c");
            assertEquals(svd.singularValues()[c], right, 1e-9, "row " + c + " of diag(s)^1/2 V^T has norm^2 s_c");
        }
    }
}
