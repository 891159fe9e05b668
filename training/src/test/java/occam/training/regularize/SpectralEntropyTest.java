package occam.training.regularize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import occam.schemas.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SpectralEntropyTest {

    @Test
    void entropyOfHandWorkedSpectra() {
        assertEquals(Math.log(2), SpectralEntropy.entropy(new double[] {1, 1}), 1e-15);
        // p = (3/4, 1/4): -(0.75 ln 0.75 + 0.25 ln 0.25) = 0.5623351446
        assertEquals(0.5623351446, SpectralEntropy.entropy(new double[] {3, 1}), 1e-10);
        assertEquals(0, SpectralEntropy.entropy(new double[] {2, 0, 0}), 0);
        // diag(3, 1) embedded in a 2 x 3 matrix has singular values (3, 1)
        Tensor m = new Tensor(new int[] {2, 3}, new float[] {3, 0, 0, 0, -1, 0});
        assertEquals(0.5623351446, SpectralEntropy.entropy(m), 1e-7);
        assertArrayEquals(new double[] {3, 1}, SpectralEntropy.singularValues(m), 1e-6);
    }

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"6, 4", "3, 7", "5, 5"})
    void gradientEqualsFiniteDifferences(int rows, int cols) {
        SplittableRandom r = new SplittableRandom(rows * 31L + cols);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        double[] grad = SpectralEntropy.gradient(new Tensor(new int[] {rows, cols}, w));
        // central differences in double, on the singular values of W +/- h e_ij (values exact in float for h = 2^-12)
        float h = 1f / 4096;
        for (int i = 0; i < w.length; i++) {
            float[] plus = w.clone();
            float[] minus = w.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (SpectralEntropy.entropy(new Tensor(new int[] {rows, cols}, plus))
                    - SpectralEntropy.entropy(new Tensor(new int[] {rows, cols}, minus))) / ((double) plus[i] - minus[i]);
            assertEquals(fd, grad[i], 1e-5, "dH/dW[" + i / cols + "][" + i % cols + "]");
        }
    }
}
