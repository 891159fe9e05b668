package occam.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.EpochMetrics;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.RunInfo;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;
import occam.training.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    @TempDir
    Path root;

    /** add mod 11: 121 rows, 24 for training, minibatches of 12, so 2 updates per epoch. */
    private TrainingConfig.Builder tinyAdd(Regime regime) {
        return TrainingConfig.builder(Task.ADD, regime).p(11).epochs(12).seed(5).evalEvery(4)
                .device(DeviceChoice.CPU).out(root);
    }

    @Test
    void checkpointsFollowTheScheduleWithEveryTensorAndMetrics() {
        TrainingResult result = Trainer.run(tinyAdd(Regime.OURS).evalEvery(5).runId("ours").build());
        Archive archive = new Archive(root);
        List<Integer> schedule = List.of(1, 2, 3, 4, 6, 8, 10, 12);
        assertEquals(schedule, archive.checkpointSteps("ours"));
        assertEquals(24, result.updateSteps());

        RunInfo run = archive.readRun("ours");
        assertEquals(ModelSpec.paper(11, 1, ModelSpec.PositionTable.VOCABULARY), run.model());
        assertEquals(5, run.training().evalEvery());
        assertEquals("add", run.task());
        assertEquals("ours", run.regime());
        assertEquals(24, run.nTrain());
        assertEquals(97, run.nTest());
        assertEquals(12, run.training().batchSize());
        assertEquals(1.0, run.training().weightDecay());
        assertEquals(0.1, run.training().spectralBeta());
        assertEquals(1e-2, run.training().noiseStd());
        assertEquals(0.98, run.training().adamBeta2());
        assertEquals("cpu()", run.device());

        List<Example> examples = archive.readExamples("ours");
        assertEquals(121, examples.size());
        assertEquals(24, examples.stream().filter(Example::train).count());

        ModelSpec spec = run.model();
        for (int step : schedule) {
            Checkpoint c = archive.readCheckpoint("ours", step);
            assertEquals(2L * step, c.updateStep());
            assertEquals(spec.tensors().stream().map(TensorSpec::name).toList(), List.copyOf(c.tensors().keySet()));
            for (TensorSpec t : spec.tensors()) {
                assertArrayEquals(t.shape(), c.tensor(t.name()).shape(), t.name());
                for (float v : c.tensor(t.name()).values()) {
                    assertTrue(Float.isFinite(v), t.name());
                }
            }
        }

        // dense metrics: a row for every evaluation, every 5 epochs and at each checkpoint
        List<Integer> evaluated = List.of(1, 2, 3, 4, 5, 6, 8, 10, 12);
        List<EpochMetrics> metrics = archive.readMetrics("ours");
        assertEquals(evaluated, metrics.stream().map(EpochMetrics::epoch).toList());
        assertEquals(10, metrics.get(4).updateStep());
        assertEquals(schedule, archive.trainingStateSteps("ours"));
        EpochMetrics last = metrics.get(metrics.size() - 1);
        assertEquals(24, last.updateStep());
        assertEquals(spec.matrices().size(), last.spectralEntropy().size());
        double meanRank = last.effectiveRank().values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertEquals(meanRank, last.meanEffectiveRank(), 1e-9);
        assertEquals(Math.exp(last.spectralEntropy().get("output.weight")), last.effectiveRank().get("output.weight"), 1e-9);
        assertTrue(last.weightNorm() > 0);
        assertTrue(last.trainAccuracy() >= 0 && last.trainAccuracy() <= 1);
        assertEquals(evaluated, result.evaluations().stream().map(Evaluation::epoch).toList());
        assertEquals(last.testLoss(), result.last().testLoss());
    }

    @Test
    void theSameSeedGivesIdenticalCheckpointsAndAnotherSeedDoesNot() {
        // sub: two layers, noise and the spectral penalty all take part
        TrainingConfig.Builder sub = TrainingConfig.builder(Task.SUB, Regime.OURS).p(7).epochs(6).seed(11)
                .device(DeviceChoice.CPU).out(root);
        Trainer.run(sub.runId("first").build());
        Trainer.run(sub.runId("second").build());
        Trainer.run(sub.seed(12).runId("other").build());
        Archive archive = new Archive(root);
        assertEquals(archive.checkpointSteps("first"), archive.checkpointSteps("second"));
        for (int step : archive.checkpointSteps("first")) {
            Map<String, Tensor> a = archive.readCheckpoint("first", step).tensors();
            Map<String, Tensor> b = archive.readCheckpoint("second", step).tensors();
            assertEquals(a, b, "bit-identical tensors at epoch " + step);
            assertNotEquals(a, archive.readCheckpoint("other", step).tensors(), "seed 12 at epoch " + step);
        }
        assertEquals(describe(archive.readExamples("first")), describe(archive.readExamples("second")));
    }

    /** Example is a record over an int[], so its equals compares array identity: compare the rows' contents. */
    private static List<String> describe(List<Example> examples) {
        return examples.stream().map(e -> e.exampleId() + " " + java.util.Arrays.toString(e.tokens()) + " " + e.label()
                + " " + e.split()).toList();
    }

    @Test
    void learnsTheTrainingSet() {
        TrainingResult result = Trainer.run(tinyAdd(Regime.NONE).epochs(150).evalEvery(50).out(null).build());
        Evaluation first = result.evaluations().get(0);
        Evaluation last = result.evaluations().get(result.evaluations().size() - 1);
        assertEquals(150, last.epoch());
        assertEquals(1.0, last.trainAccuracy(), "memorizes 24 examples");
        assertTrue(last.trainLoss() < 0.1 * first.trainLoss(), first + " -> " + last);
    }
}
