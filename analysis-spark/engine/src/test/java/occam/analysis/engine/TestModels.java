package occam.analysis.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;

/** Small, fully determined models, splits and archived checkpoints for the engine's tests. */
public final class TestModels {

    private TestModels() {}

    /** p = 7: vocabulary 9, d 16, 2 heads of 8, MLP 32. */
    public static ModelSpec tiny(int layers) {
        return new ModelSpec(ModelSpec.ARCHITECTURE, 9, 4, 16, 2, 32, layers, ModelSpec.GELU_TANH, 1e-6, 1e-9);
    }

    /** Every a + b mod p as [a, p, b, p + 1]; every example whose id % 3 != 2 is train. */
    public static List<Example> addition(int p, boolean trainOnly) {
        List<Example> out = new ArrayList<>();
        int id = 0;
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                boolean train = id % 3 != 2;
                if (train || !trainOnly) {
                    out.add(new Example(id, a, b, (a + b) % p, new int[] {a, p, b, p + 1}, train));
                }
                id++;
            }
        }
        return out;
    }

    /**
     * Weights with structure: each matrix is a random rank-r product (r = a quarter of its smaller side) plus
     * small noise, scaled like LeCun-normal; LayerNorm gains near 1; biases small. Seeded.
     */
    public static Checkpoint structured(ModelSpec spec, String runId, int step, long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (TensorSpec ts : spec.tensors()) {
            int[] shape = ts.shape();
            float[] v = new float[(int) ts.elementCount()];
            if (ts.isMatrix()) {
                int m = shape[0];
                int n = shape[1];
                int r = Math.max(1, Math.min(m, n) / 4);
                double[][] a = gaussian(random, m, r, 1);
                double[][] b = gaussian(random, r, n, 1);
                double s = 2.0 / Math.sqrt(m * (double) r);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double x = 0;
                        for (int k = 0; k < r; k++) {
                            x += a[i][k] * b[k][j];
                        }
                        v[i * n + j] = (float) (s * x + 0.02 * random.nextGaussian());
                    }
                }
            } else if (ts.name().endsWith(".gain")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (1 + 0.1 * random.nextGaussian());
                }
            } else {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.1 * random.nextGaussian());
                }
            }
            tensors.put(ts.name(), new Tensor(shape, v));
        }
        return new Checkpoint(runId, step, step * 3L, tensors);
    }

    /**
     * A checkpoint that fits its split: {@link #structured} weights with the output layer scaled by
     * {@code outputScale} (confident predictions), and the split relabelled with the model's own predictions, so
     * the checkpoint has accuracy 1 and coarse-graining raises its loss, as with a model that memorized its data.
     */
    public static Teacher teacher(ModelSpec spec, String runId, int step, long seed, float outputScale, List<Example> examples) {
        Checkpoint c = structured(spec, runId, step, seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>(c.tensors());
        Tensor out = tensors.get("output.weight");
        float[] v = out.values().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= outputScale;
        }
        tensors.put("output.weight", new Tensor(out.shape(), v));
        Checkpoint scaled = new Checkpoint(runId, step, c.updateStep(), tensors);
        int[] labels = occam.analysis.engine.loss.LossEvaluator.prepare(spec, examples)
                .predictions(occam.analysis.engine.model.CoarseModel.of(spec, scaled));
        List<Example> relabelled = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            relabelled.add(new Example(e.exampleId(), e.a(), e.b(), labels[i], e.tokens(), e.train()));
        }
        return new Teacher(scaled, relabelled);
    }

    public record Teacher(Checkpoint checkpoint, List<Example> examples) {}

    private static double[][] gaussian(Random random, int rows, int cols, double sd) {
        double[][] out = new double[rows][cols];
        for (double[] row : out) {
            for (int j = 0; j < cols; j++) {
                row[j] = sd * random.nextGaussian();
            }
        }
        return out;
    }
}
