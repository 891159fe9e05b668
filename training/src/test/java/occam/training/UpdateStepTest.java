package occam.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import occam.schemas.ModelSpec;
import occam.schemas.Tensor;
import occam.training.model.Initializer;
import occam.training.model.Transformer;
import occam.training.model.Weights;
import occam.training.optim.AdamW;
import occam.training.regularize.WeightNoise;
import occam.training.task.Dataset;
import occam.training.task.Task;
import org.junit.jupiter.api.Test;

class UpdateStepTest {

    private static final int NOISE_SEED = 99;

    @Test
    void withNoiseTheGradientIsTakenAtTheNoisyWeightsAndAppliedToTheCleanOnes() {
        int p = 7;
        double lr = 1e-3;
        double wd = 0.5;
        double std = 0.1; // 100 x the learning rate: an update applied to the noisy weights would be obvious
        Dataset data = Dataset.generate(Task.ADD, p, 0.5, 0);
        ModelSpec spec = ModelSpec.paper(p, 1);
        int[] ids = data.trainIds();
        try (NDManager m = NDManager.newBaseManager()) {
            Weights weights = Weights.create(spec, Initializer.initialize(spec, 1), m, true);
            Map<String, Tensor> before = weights.snapshot();
            NDArray tokens = m.create(data.tokens(ids), new Shape(ids.length, 4));
            NDArray labels = m.create(data.labels(ids));

            // the gradient at the noisy point, with the noise the step will draw
            Map<String, Tensor> noisy;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Weights at = new WeightNoise(std, NOISE_SEED).perturb(weights, m, 1);
                noisy = at.snapshot();
                gc.backward(Transformer.loss(Transformer.logits(at, tokens), labels, spec.probabilityClip()));
            }
            Map<String, float[]> noisyGrad = takeGradients(weights);
            // and at the clean point, to show the two differ
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Transformer.loss(Transformer.logits(weights, tokens), labels, spec.probabilityClip()));
            }
            Map<String, float[]> cleanGrad = takeGradients(weights);

            new UpdateStep(data, m, weights, new AdamW(lr, 0.9, 0.98, 1e-8, wd), new WeightNoise(std, NOISE_SEED), null,
                    spec.probabilityClip()).run(ids);
            Map<String, Tensor> after = weights.snapshot();

            int signDifferences = 0;
            for (String name : before.keySet()) {
                float[] w0 = before.get(name).values();
                float[] w1 = after.get(name).values();
                float[] g = noisyGrad.get(name);
                float[] n = noisy.get(name).values();
                for (int i = 0; i < w0.length; i++) {
                    // first AdamW step: m_hat = g, v_hat = g^2, so w1 = w0 (1 - lr wd) - lr g / (|g| + eps)
                    double want = w0[i] * (1 - lr * wd) - lr * g[i] / (Math.abs(g[i]) + 1e-8);
                    assertEquals(want, w1[i], 2e-6, name + "[" + i + "]");
                    if (Math.abs(n[i] - w0[i]) > 10 * lr) {
                        assertTrue(Math.abs(w1[i] - n[i]) > 5 * lr, name + "[" + i + "] moved to the noisy weights");
                    }
                    if (Math.signum(g[i]) != Math.signum(cleanGrad.get(name)[i]) && Math.abs(g[i]) > 1e-6) {
                        signDifferences++;
                    }
                }
            }
            assertTrue(signDifferences > 1000, "the noisy gradient should differ from the clean one: " + signDifferences);
        }
    }

    /** Copies every parameter's gradient to the host and zeroes it. */
    private static Map<String, float[]> takeGradients(Weights weights) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.arrays().entrySet()) {
            try (NDArray g = e.getValue().getGradient()) {
                out.put(e.getKey(), g.toFloatArray());
            }
            JniUtils.zeroGrad((PtNDArray) e.getValue());
        }
        return out;
    }
}
