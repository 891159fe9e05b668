package occam.training.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import occam.schemas.ModelSpec;
import occam.schemas.ReferenceForward;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransformerTest {

    /** p = 5 (vocabulary 7), d_model 8 in 2 heads of 4, MLP 16. */
    static ModelSpec tiny(int layers) {
        return new ModelSpec(ModelSpec.ARCHITECTURE, 7, 4, 8, 2, 16, layers, ModelSpec.GELU_TANH, 1e-6, 1e-9);
    }

    /** Every tensor random, biases and gains included, so each one changes the output. */
    static Map<String, Tensor> randomWeights(ModelSpec spec, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorSpec t : spec.tensors()) {
            float[] v = new float[(int) t.elementCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (t.name().endsWith(".gain") ? 1 + 0.3 * r.nextGaussian() : 0.5 * r.nextGaussian());
            }
            out.put(t.name(), new Tensor(t.shape(), v));
        }
        return out;
    }

    /** 4 position rows (one per input position) or 7 (one per vocabulary token: the released model's table). */
    @ParameterizedTest(name = "{0} layer(s), {1} position rows")
    @CsvSource({"1, 4", "2, 4", "1, 7", "2, 7"})
    void logitsAndLossesEqualTheDirectComputation(int layers, int positionRows) {
        ModelSpec spec = new ModelSpec(ModelSpec.ARCHITECTURE, 7, 4, 8, 2, 16, layers, ModelSpec.GELU_TANH, 1e-6, 1e-9,
                positionRows);
        Map<String, Tensor> values = randomWeights(spec, 7 + layers);
        ReferenceForward reference = new ReferenceForward(spec, values);
        // the task's sequences [a, op, b, =] and two arbitrary ones (the forward pass must not assume the layout)
        int[][] inputs = {{0, 5, 0, 6}, {1, 5, 3, 6}, {4, 5, 4, 6}, {3, 5, 2, 6}, {6, 0, 5, 1}, {2, 2, 2, 2}};
        long[] tokens = new long[inputs.length * 4];
        long[] labels = new long[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            for (int j = 0; j < 4; j++) {
                tokens[4 * i + j] = inputs[i][j];
            }
            labels[i] = (i * 3) % 7;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Weights w = Weights.create(spec, values, m, false);
            NDArray logits = Transformer.logits(w, m.create(tokens, new Shape(inputs.length, 4)));
            assertEquals(new Shape(inputs.length, 7), logits.getShape());
            float[] got = logits.toFloatArray();
            float[] losses = Transformer.losses(logits, m.create(labels), spec.probabilityClip()).toFloatArray();
            for (int i = 0; i < inputs.length; i++) {
                double[] want = reference.logits(inputs[i]);
                for (int c = 0; c < 7; c++) {
                    assertEquals(want[c], got[i * 7 + c], 1e-4, "logit " + c + " of input " + i);
                }
                assertEquals(reference.loss(inputs[i], (int) labels[i]), losses[i], 1e-4, "loss of input " + i);
            }
        }
    }

    @Test
    void lossClipsProbabilitiesAtOneInABillion() {
        try (NDManager m = NDManager.newBaseManager()) {
            // p(y) = 1/2 -> ln 2; p(y) = e^-50 / (1 + e^-50) < 1e-9 -> clipped to 1e-9 -> -ln(1e-9) = 20.7233
            NDArray logits = m.create(new float[] {0, 0, 0, 50}, new Shape(2, 2));
            float[] losses = Transformer.losses(logits, m.create(new long[] {0, 0}), 1e-9).toFloatArray();
            assertEquals(Math.log(2), losses[0], 1e-6);
            assertEquals(20.7232658, losses[1], 1e-4);
            // arg-max: row 1 predicts 1; row 0 ties and arg-max takes the first
            float[] correct = Transformer.correct(logits, m.create(new long[] {1, 1})).toFloatArray();
            assertEquals(0f, correct[0]);
            assertEquals(1f, correct[1]);
        }
    }

    @Test
    void geluIsTheTanhApproximation() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] y = Mlp.geluTanh(m.create(new float[] {-3, -1, 0, 1, 2})).toFloatArray();
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), worked out: at 1, tanh(0.8335565) = 0.6823840
            assertEquals(0.8411920, y[3], 1e-6);
            assertEquals(-0.1588080, y[1], 1e-6);
            assertEquals(0.0, y[2], 0.0);
            assertEquals(1.9545977, y[4], 1e-6);
            assertEquals(-0.0036374, y[0], 1e-6);
        }
    }
}
