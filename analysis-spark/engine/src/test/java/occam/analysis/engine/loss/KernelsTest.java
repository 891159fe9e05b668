package occam.analysis.engine.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KernelsTest {

    @Test
    void softmaxByHandAndWithoutOverflow() {
        // e^0 : e^ln3 = 1 : 3 -> 1/4, 3/4; shifted by 1000 (e^1000 overflows a double) the same
        double[] e = {0, Math.log(3), 7};
        Softmax.inPlace(e, 2);
        assertArrayEquals(new double[] {0.25, 0.75, 7}, e, 1e-15);
        double[] big = {1000, 1000 + Math.log(3)};
        Softmax.inPlace(big, 2);
        assertArrayEquals(new double[] {0.25, 0.75}, big, 1e-12);
    }

    @Test
    void layerNormByHand() {
        // x = 1, 2, 3, 4: mean 2.5, biased variance 1.25, 1/std = 0.894427191; gain 2, bias 1 on the last value only
        float[] x = {1, 2, 3, 4};
        double inv = LayerNorm.apply(x, new float[] {1, 1, 1, 2}, new float[] {0, 0, 0, 1}, 0);
        assertEquals(0.894427191, inv, 1e-9);
        assertArrayEquals(new float[] {-1.3416408f, -0.4472136f, 0.4472136f, 3.6832816f}, x, 1e-6f);
        float[] centred = new float[4];
        LayerNorm.centreAndScale(new float[] {1, 2, 3, 4}, new float[] {1, 1, 1, 2}, centred);
        assertArrayEquals(new float[] {-1.5f, -0.5f, 0.5f, 3f}, centred);
    }

    @Test
    void sumsOverMoreThanOneBlockOfPartialSums() {
        // 1 + 2 + ... + 19 = 190 (two blocks of eight and a tail of three); squares about 10: sum (i - 10)^2 = 570
        float[] x = new float[19];
        for (int i = 0; i < 19; i++) {
            x[i] = i + 1;
        }
        assertEquals(190, Floats.sum(x, 19));
        assertEquals(570, Floats.sumOfSquares(x, 19, 10));
        assertEquals(2470, Floats.dot(x, 0, x, 0, 19)); // 19 * 20 * 39 / 6
        assertEquals(2 * 3 + 3 * 4, Floats.dot(x, 1, x, 2, 2));
    }
}
