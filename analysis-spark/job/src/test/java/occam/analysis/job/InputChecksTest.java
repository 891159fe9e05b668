package occam.analysis.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.RunInfo;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;
import occam.schemas.TrainingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputChecksTest {

    static final int P = 5;
    static final ModelSpec SPEC = new ModelSpec(ModelSpec.ARCHITECTURE, P + 2, 4, 8, 2, 16, 1, ModelSpec.GELU_TANH, 1e-6, 1e-9);

    @TempDir
    Path root;

    static Map<String, Tensor> tensors(long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorSpec t : SPEC.tensors()) {
            float[] v = new float[(int) t.elementCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) random.nextGaussian() * 0.3f;
            }
            out.put(t.name(), new Tensor(t.shape(), v));
        }
        return out;
    }

    static void writeRun(Archive archive, String runId, int nTrain) {
        List<Example> examples = new ArrayList<>();
        int id = 0;
        for (int a = 0; a < P; a++) {
            for (int b = 0; b < P; b++) {
                examples.add(new Example(id, a, b, (a + b) % P, new int[] {a, P, b, P + 1}, id < 10));
                id++;
            }
        }
        archive.writeRun(new RunInfo(runId, "add", P, 0.4, nTrain, 25 - nTrain, 0, "none", SPEC,
                new TrainingSettings(10, 5, 1e-3, 0.9, 0.98, 1e-8, 0, 0, 0), "cpu()", "test", Instant.EPOCH));
        archive.writeExamples(runId, examples);
    }

    @Test
    void badCheckpointsAreRejectedWithReasonsAndTheRestPass() throws Exception {
        Archive archive = new Archive(root, 40);
        writeRun(archive, "good", 10);
        for (int step : new int[] {1, 2, 3, 4}) {
            Map<String, Tensor> t = tensors(step);
            if (step == 2) {
                t.get("layers.0.mlp.in.weight").values()[7] = Float.NaN;
            }
            if (step == 3) {
                t.remove("layers.0.attn.key.bias");
            }
            archive.writeCheckpoint(new Checkpoint("good", step, step * 2L, t));
        }
        Path corrupt = archive.checkpointFile("good", 4);
        byte[] bytes = Files.readAllBytes(corrupt);
        Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        writeRun(archive, "wrongsplit", 11); // runs says 11 training rows, examples hold 10

        var spark = TestSpark.session();
        InputScan.Result scan = InputScan.scan(spark, List.of(root.toString()), InputScan.runFilter(List.of()));
        assertEquals(4, scan.checkpoints().size());
        InputChecks.Outcome outcome;
        Map<String, List<Example>> splits;
        try (CheckpointData data = CheckpointData.read(spark, scan.runs(), scan.checkpoints())) {
            outcome = InputChecks.run(spark, scan.runs(), scan.checkpoints(), data);
            splits = data.trainSplits();
        }

        assertEquals(List.of(1), outcome.passing().stream().map(InputScan.CheckpointFile::step).toList());
        Map<String, String> byKey = outcome.rejections().stream().collect(Collectors.toMap(
                r -> r.runId() + "@" + r.step() + ":" + r.check(), InputChecks.Rejection::reason));
        assertEquals(Map.of(
                "good@2:values_finite", "tensor layers.0.mlp.in.weight has NaN or Inf values in 1 chunk(s)",
                "good@3:tensor_present", "tensor layers.0.attn.key.bias 8 is missing",
                "good@4:readable", "no row could be read: the file is not a readable Parquet file (truncated or corrupt?)",
                "wrongsplit@null:split_matches_run", "examples hold 10 training rows, runs says n_train = 11"), byKey);
        assertTrue(outcome.rejections().stream().filter(r -> r.step() != null)
                .allMatch(r -> r.sourceFile().endsWith(String.format("step-%08d.parquet", r.step()))));
        assertEquals(10, splits.get("good").size());
    }
}
