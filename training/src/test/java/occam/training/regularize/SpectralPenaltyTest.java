package occam.training.regularize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import occam.schemas.ModelSpec;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;
import occam.training.model.Initializer;
import occam.training.model.Weights;
import org.junit.jupiter.api.Test;

/** The per-step path (Gram eigendecomposition in LAPACK through TorchScript) against the exact SVD in EJML. */
class SpectralPenaltyTest {

    /** The 1-layer paper model's matrices in the state they have mid-training: low rank plus noise. */
    static Map<String, Tensor> lowRankPlusNoise(ModelSpec spec, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>(Initializer.initialize(spec, seed));
        for (TensorSpec t : spec.matrices()) {
            int m = t.shape()[0];
            int n = t.shape()[1];
            int rank = 3;
            double[][] a = new double[rank][m];
            double[][] b = new double[rank][n];
            for (int k = 0; k < rank; k++) {
                for (int i = 0; i < m; i++) {
                    a[k][i] = r.nextGaussian() / Math.sqrt(m);
                }
                for (int j = 0; j < n; j++) {
                    b[k][j] = r.nextGaussian() * (3 - k);
                }
            }
            float[] v = new float[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 1e-2 * r.nextGaussian();
                    for (int k = 0; k < rank; k++) {
                        s += a[k][i] * b[k][j];
                    }
                    v[i * n + j] = (float) s;
                }
            }
            out.put(t.name(), new Tensor(t.shape(), v));
        }
        return out;
    }

    /** Exactly rank 2 (small integers: no rounding), so most singular values are zero. */
    static Map<String, Tensor> rankTwo(ModelSpec spec) {
        Map<String, Tensor> out = new LinkedHashMap<>(Initializer.initialize(spec, 0));
        for (TensorSpec t : spec.matrices()) {
            int m = t.shape()[0];
            int n = t.shape()[1];
            float[] v = new float[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    v[i * n + j] = (i % 3 - 1) * (j % 5 - 2) + (i % 2) * ((j % 3) - 1) * 2;
                }
            }
            out.put(t.name(), new Tensor(t.shape(), v));
        }
        return out;
    }

    @Test
    void entropiesAndGradientsMatchTheExactSvd() {
        ModelSpec spec = ModelSpec.paper(113, 1);
        List<Map<String, Tensor>> cases =
                List.of(Initializer.initialize(spec, 1), lowRankPlusNoise(spec, 2), rankTwo(spec));
        try (NDManager m = NDManager.newBaseManager(); TorchLinalg linalg = new TorchLinalg(m)) {
            for (Map<String, Tensor> values : cases) {
                Weights w = Weights.create(spec, values, m, false);
                List<String> names = w.matrixNames();
                List<NDArray> matrices = new ArrayList<>();
                names.forEach(n -> matrices.add(w.get(n)));
                TorchLinalg.Spectra fast = linalg.spectral(matrices, SpectralEntropy.ZERO_TOLERANCE, true, m);
                for (int j = 0; j < names.size(); j++) {
                    Tensor t = values.get(names.get(j));
                    assertEquals(SpectralEntropy.entropy(t), fast.entropies()[j], 1e-9, names.get(j));
                    double[] exact = SpectralEntropy.gradient(t);
                    float[] got = fast.gradients().get(j).toFloatArray();
                    double scale = 0;
                    double err = 0;
                    for (int i = 0; i < exact.length; i++) {
                        scale = Math.max(scale, Math.abs(exact[i]));
                        err = Math.max(err, Math.abs(exact[i] - got[i]));
                    }
                    assertTrue(err <= 1e-5 * scale, names.get(j) + ": max error " + err + " vs max |dH/dW| " + scale);
                }
            }
        }
    }

    @Test
    void addsBetaOverMTimesTheGradient() {
        ModelSpec spec = ModelSpec.paper(13, 1);
        Map<String, Tensor> values = lowRankPlusNoise(spec, 3);
        try (NDManager m = NDManager.newBaseManager(); TorchLinalg linalg = new TorchLinalg(m)) {
            Weights w = Weights.create(spec, values, m, true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray total = null;
                for (NDArray a : w.arrays().values()) {
                    total = total == null ? a.sum() : total.add(a.sum()); // every gradient = 1
                }
                gc.backward(total);
            }
            double beta = 0.1;
            double mean;
            try (SpectralPenalty penalty = new SpectralPenalty(beta, linalg)) {
                mean = penalty.addGradients(w, w, m);
            }
            List<String> names = w.matrixNames();
            double sum = 0;
            for (String name : names) {
                Tensor t = values.get(name);
                sum += SpectralEntropy.entropy(t);
                double[] exact = SpectralEntropy.gradient(t);
                float[] grad = w.get(name).getGradient().toFloatArray();
                for (int i = 0; i < exact.length; i++) {
                    assertEquals(1 + beta / names.size() * exact[i], grad[i], 1e-6, name + "[" + i + "]");
                }
            }
            assertEquals(sum / names.size(), mean, 1e-9);
            for (float g : w.get("layers.0.mlp.in.bias").getGradient().toFloatArray()) {
                assertEquals(1f, g, "vectors get no penalty");
            }
        }
    }
}
