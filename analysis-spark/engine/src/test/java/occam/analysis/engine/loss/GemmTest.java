package occam.analysis.engine.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GemmTest {

    @Test
    void productByHand() {
        // [1 2] x [[1 0 2], [3 1 0]] + [0.5 0 0] = [7.5 2 2]
        float[][] y = new float[1][3];
        Gemm.multiply(new float[][] {{1, 2}}, 1, new float[][] {{1, 0, 2}, {3, 1, 0}}, 2, 3, new float[] {0.5f, 0, 0}, y);
        assertArrayEquals(new float[] {7.5f, 2, 2}, y[0]);
        // rank 0: bias only
        Gemm.multiply(new float[][] {{}}, 1, new float[0][], 0, 3, new float[] {1, 2, 3}, y);
        assertArrayEquals(new float[] {1, 2, 3}, y[0]);
    }

    @Test
    void vectorKernelGivesThePlainKernelsBits() {
        assumeTrue(Gemm.KERNEL != Gemm.PLAIN, "run with --add-modules jdk.incubator.vector (the module's surefire does)");
        Random random = new Random(2);
        // the last shapes are factored products: x [rows, in] times a left factor [in, rank], ranks not a multiple of 16;
        // eight rows and more with one vector past the paired tiles take the eight-row path (for 8- and 16-float vectors)
        int[][] shapes = {{7, 128, 512}, {5, 512, 128}, {9, 128, 115}, {3, 32, 228}, {6, 17, 3}, {4, 0, 40}, {11, 128, 1},
            {13, 128, 18}, {8, 512, 55}, {2, 128, 31}, {17, 31, 128}, {5, 128, 15}, {19, 128, 10}, {21, 64, 48}, {12, 40, 16},
            {10, 128, 45}, {27, 128, 24}, {8, 0, 16}};
        for (int[] s : shapes) {
            int rows = s[0];
            int inner = s[1];
            int cols = s[2];
            float[][] x = fill(random, rows, inner);
            float[][] w = fill(random, inner, cols);
            float[] bias = fill(random, 1, cols)[0];
            for (float[] b : new float[][] {bias, null}) {
                float[][] plain = new float[rows][cols];
                float[][] vector = new float[rows][cols];
                Gemm.PLAIN.multiply(x, rows, w, inner, cols, b, plain);
                Gemm.KERNEL.multiply(x, rows, w, inner, cols, b, vector);
                // rows allocated to a whole number of vectors (a factor and its scratch): the last chunk is one vector
                int width = Gemm.padded(cols);
                float[][] padded = new float[rows][width];
                float[][] wPadded = new float[inner][];
                for (int k = 0; k < inner; k++) {
                    wPadded[k] = java.util.Arrays.copyOf(w[k], width);
                }
                Gemm.KERNEL.multiply(x, rows, wPadded, inner, cols, b == null ? null : java.util.Arrays.copyOf(b, width), padded);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        assertEquals(Float.floatToRawIntBits(plain[r][c]), Float.floatToRawIntBits(vector[r][c]),
                                "shape " + java.util.Arrays.toString(s) + " at " + r + "," + c);
                        assertEquals(Float.floatToRawIntBits(plain[r][c]), Float.floatToRawIntBits(padded[r][c]),
                                "padded rows, shape " + java.util.Arrays.toString(s) + " at " + r + "," + c);
                    }
                }
            }
        }
    }

    @Test
    void expsGiveExpNegativesBits() {
        assumeTrue(Gemm.KERNEL != Gemm.PLAIN, "run with --add-modules jdk.incubator.vector (the module's surefire does)");
        Random random = new Random(9);
        for (int trial = 0; trial < 20_000; trial++) {
            int n = 1 + random.nextInt(130);
            float[] z = new float[n];
            // logits near the shift (the loss's terms), far below it, and across the edge of the vector kernel's range
            double scale = new double[] {1, 30, 800}[trial % 3];
            for (int j = 0; j < n; j++) {
                z[j] = (float) (-scale * random.nextDouble());
            }
            if (trial % 50 == 0) {
                z[random.nextInt(n)] = Float.NaN;
            }
            if (trial % 7 == 0) {
                z[random.nextInt(n)] = Float.NEGATIVE_INFINITY;
            }
            double shift = trial % 2 == 0 ? 0 : random.nextDouble();
            double[] vector = new double[n];
            Gemm.KERNEL.exps(z, n, shift, vector);
            for (int j = 0; j < n; j++) {
                double expected = Exp.negative(z[j] - shift);
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(vector[j]),
                        "exp(" + z[j] + " - " + shift + "): " + vector[j] + " against " + expected);
            }
        }
        float[] edge = {-708f, -708.0001f, -707.9999f, -745f, -746f, 0f, -0f, -1e-30f};
        double[] out = new double[edge.length];
        Gemm.KERNEL.exps(edge, edge.length, 0, out);
        for (int j = 0; j < edge.length; j++) {
            assertEquals(Double.doubleToRawLongBits(Exp.negative(edge[j])), Double.doubleToRawLongBits(out[j]), "exp(" + edge[j] + ")");
        }
    }

    @Test
    void weightedSumsGiveOneWeightedSumPerOutputsBits() {
        assumeTrue(Gemm.KERNEL != Gemm.PLAIN, "run with --add-modules jdk.incubator.vector (the module's surefire does)");
        Random random = new Random(4);
        for (int n : new int[] {512, 200, 128, 37, 15, 1, 0}) {
            for (int outputs : new int[] {4, 5, 8, 3, 1}) {
                int count = 16;
                float[][] rows = fill(random, count, n);
                float[][] weights = fill(random, outputs, count);
                float[][] start = fill(random, outputs, n);
                float[][] vector = new float[outputs][];
                for (int o = 0; o < outputs; o++) {
                    vector[o] = start[o].clone();
                }
                Gemm.KERNEL.weightedSums(weights, rows, count, n, vector, outputs);
                for (int o = 0; o < outputs; o++) {
                    float[] plain = start[o].clone();
                    Gemm.PLAIN.weightedSum(weights[o], rows, count, n, plain);
                    assertBits(plain, vector[o], "weighted sums n=" + n + " outputs=" + outputs + " output " + o);
                }
            }
        }
    }

    @Test
    void weightedSumGivesThePlainKernelsBits() {
        assumeTrue(Gemm.KERNEL != Gemm.PLAIN, "run with --add-modules jdk.incubator.vector (the module's surefire does)");
        Random random = new Random(3);
        for (int n : new int[] {512, 200, 128, 37, 15, 1, 0}) {
            for (int count : new int[] {16, 3, 1, 0}) {
                float[][] rows = fill(random, count, n);
                float[] weights = fill(random, 1, count)[0];
                float[] start = fill(random, 1, n)[0];
                float[] plain = start.clone();
                float[] vector = start.clone();
                Gemm.PLAIN.weightedSum(weights, rows, count, n, plain);
                Gemm.KERNEL.weightedSum(weights, rows, count, n, vector);
                assertBits(plain, vector, "weighted sum n=" + n + " count=" + count);
            }
        }
    }

    @Test
    void dotsArePartialSumsByColumnModSixteenOnEitherKernel() {
        Random random = new Random(4);
        for (int n : new int[] {128, 36, 16, 7, 0}) {
            for (int count : new int[] {4, 6, 1}) {
                float[] a = fill(random, 1, n)[0];
                float[][] rows = fill(random, count, n);
                double[] plain = new double[count];
                double[] kernel = new double[count];
                Gemm.PLAIN.dots(a, rows, count, n, plain, Gemm.dotsScratch());
                Gemm.KERNEL.dots(a, rows, count, n, kernel, Gemm.dotsScratch());
                for (int i = 0; i < count; i++) {
                    // the contract written out: sixteen fma chains, then the fixed tree
                    float[] partial = new float[16];
                    for (int c = 0; c < n; c++) {
                        partial[c % 16] = Math.fma(a[c], rows[i][c], partial[c % 16]);
                    }
                    float[] t = partial.clone();
                    for (int half = 8; half >= 1; half /= 2) {
                        for (int p = 0; p < half; p++) {
                            t[p] = t[p] + t[p + half];
                        }
                    }
                    double exact = 0;
                    for (int c = 0; c < n; c++) {
                        exact += (double) a[c] * rows[i][c];
                    }
                    String what = "row " + i + " of " + count + ", n=" + n;
                    assertEquals(t[0], plain[i], 0.0, what);
                    assertEquals(Double.doubleToRawLongBits(plain[i]), Double.doubleToRawLongBits(kernel[i]), what);
                    assertEquals(exact, plain[i], 1e-5 * (1 + Math.abs(exact)), what);
                }
            }
        }
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        for (int j = 0; j < expected.length; j++) {
            assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(actual[j]), what + " at " + j);
        }
    }

    private static float[][] fill(Random random, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return m;
    }
}
