package occam.training.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class AdamWTest {

    @Test
    void twoStepsFollowThePyTorchFormula() {
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.98;
        double eps = 1e-3; // large, so a wrongly placed (uncorrected) eps would show
        double wd = 0.5;
        double[] w = {1, -2, 3};
        double[][] grads = {{0.5, -1, 0}, {0.25, 2, 1e-4}};
        double[] m = new double[3];
        double[] v = new double[3];
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(new float[] {1, -2, 3});
            AdamW adam = new AdamW(lr, b1, b2, eps, wd);
            for (int t = 1; t <= 2; t++) {
                float[] g = new float[3];
                for (int i = 0; i < 3; i++) {
                    g[i] = (float) grads[t - 1][i];
                    // w <- w - lr (wd w + m_hat / (sqrt(v_hat) + eps))
                    m[i] = b1 * m[i] + (1 - b1) * g[i];
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                    double mHat = m[i] / (1 - Math.pow(b1, t));
                    double vHat = v[i] / (1 - Math.pow(b2, t));
                    w[i] = w[i] - lr * (wd * w[i] + mHat / (Math.sqrt(vHat) + eps));
                }
                adam.beginStep();
                adam.update("w", weight, manager.create(g));
                float[] got = weight.toFloatArray();
                for (int i = 0; i < 3; i++) {
                    assertEquals(w[i], got[i], 1e-6, "step " + t + ", element " + i);
                }
            }
            assertEquals(2, adam.steps());
        }
    }

    @Test
    void rejectsBadSettingsAndUpdatesBeforeAStep() {
        assertThrows(IllegalArgumentException.class, () -> new AdamW(0, 0.9, 0.98, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(1e-3, 1.0, 0.98, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(1e-3, 0.9, 0.98, 1e-8, -1));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {1});
            assertThrows(IllegalStateException.class,
                    () -> new AdamW(1e-3, 0.9, 0.98, 1e-8, 0).update("w", w, manager.create(new float[] {1})));
        }
    }
}
