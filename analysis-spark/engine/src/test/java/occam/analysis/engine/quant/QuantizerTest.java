package occam.analysis.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizerTest {

    @Test
    void workedExampleFromTheJavadoc() {
        assertEquals(0.5f, Quantizer.quantize(0.74, 0.5));
        assertEquals(1.0f, Quantizer.quantize(0.75, 0.5));  // tie: 1.5 steps -> 2 (even)
        assertEquals(0.0f, Quantizer.quantize(0.25, 0.5));  // tie: 0.5 steps -> 0 (even)
        assertEquals(-1.5f, Quantizer.quantize(-1.3, 0.5));
    }

    @Test
    void negativeZeroFoldsToZero() {
        float[] q = Quantizer.quantize(new float[] {-0.2f, -0.0f, -1e-30f, 0.2f}, 0.5);
        for (float v : q) {
            assertEquals(0, Float.floatToRawIntBits(v), "bits of " + v);
        }
        assertEquals(0, Float.floatToRawIntBits(Quantizer.quantize(-0.24, 0.5)));
    }

    @Test
    void errorIsAtMostHalfDeltaEverywhere() {
        Random random = new Random(11);
        for (double delta : new double[] {1e-3, 0.0137, 0.1, 0.5, 1}) {
            float[] x = new float[20_000];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextGaussian() * (i % 2 == 0 ? 0.1 : 3));
            }
            float[] q = Quantizer.quantize(x, delta);
            for (int i = 0; i < x.length; i++) {
                // the float32 rounding of the result adds at most half an ulp of it
                double bound = delta / 2 + Math.ulp(q[i]) / 2;
                assertTrue(Math.abs((double) q[i] - x[i]) <= bound, x[i] + " -> " + q[i] + " with Delta " + delta);
                double steps = q[i] / delta;
                assertEquals(Math.rint(steps), steps, 1e-6 * Math.max(1, Math.abs(steps)), "on the grid");
            }
        }
    }

    @Test
    void deltaZeroQuantizesNothing() {
        float[] x = {0.1234567f, -3.25f, -0.0f};
        float[] q = Quantizer.quantize(x, 0);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(q[i]));
        }
    }

    @Test
    void rejectsNegativeDelta() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(new float[1], -0.1));
        assertEquals("Delta(-0.1) must be finite and >= 0", e.getMessage());
    }
}
