package occam.schemas;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small, fully determined archive contents: a p = 5 modular-addition run with a tiny model. */
final class Fixtures {

    static final int P = 5;
    static final ModelSpec TINY = new ModelSpec(ModelSpec.ARCHITECTURE, P + 2, 4, 8, 2, 16, 1, ModelSpec.GELU_TANH, 1e-6, 1e-9);

    private Fixtures() {}

    static RunInfo run(String runId) {
        return new RunInfo(runId, "add", P, 0.4, 10, 15, 7L, "ours", TINY,
                new TrainingSettings(20, 5, 1e-3, 0.9, 0.98, 1e-8, 1.0, 0.1, 0.01),
                "cpu()", "test", Instant.parse("2026-11-22T12:00:00Z"));
    }

    /** The whole table of a + b mod 5; every second... the first 10 in a fixed shuffled order are train. */
    static List<Example> examples() {
        List<Example> out = new ArrayList<>();
        int id = 0;
        for (int a = 0; a < P; a++) {
            for (int b = 0; b < P; b++) {
                out.add(new Example(id, a, b, (a + b) % P, new int[] {a, P, b, P + 1}, id % 5 < 2));
                id++;
            }
        }
        return out;
    }

    static EpochMetrics metrics(int epoch) {
        return new EpochMetrics(epoch, epoch * 2L, 1.5 / epoch, 0.5, 2.0, 0.25, 3.25, 1.1, 3.0,
                Map.of("embed.token", 1.2, "output.weight", 1.0), Map.of("embed.token", 3.3, "output.weight", 2.7), epoch * 0.5);
    }

    /** Every tensor of {@link #TINY} filled with seeded Gaussian values. */
    static Checkpoint checkpoint(String runId, int step, long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (TensorSpec spec : TINY.tensors()) {
            float[] values = new float[(int) spec.elementCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            tensors.put(spec.name(), new Tensor(spec.shape(), values));
        }
        return new Checkpoint(runId, step, step * 2L, tensors);
    }
}
