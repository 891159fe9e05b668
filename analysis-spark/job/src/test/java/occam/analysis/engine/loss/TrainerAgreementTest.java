package occam.analysis.engine.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.EpochMetrics;
import occam.schemas.Example;
import occam.schemas.RunInfo;
import occam.training.DeviceChoice;
import occam.training.Regime;
import occam.training.Trainer;
import occam.training.TrainingConfig;
import occam.training.task.Task;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Java forward pass agrees with the DJL trainer: for real checkpoints of real runs, the loss the analysis
 * computes from the archived tensors equals the training loss the trainer itself recorded for the same epoch
 * (whole training split, clean weights) within 1e-4 relative, and the accuracies agree exactly.
 */
class TrainerAgreementTest {

    @TempDir
    Path root;

    @ParameterizedTest(name = "{0}, {1} layer(s), {2}")
    @CsvSource({"ADD, 1, NONE", "SUB, 2, OURS"})
    void analysisLossEqualsTheTrainersOwnLoss(Task task, int layers, Regime regime) {
        String runId = task.id() + "-" + regime.id();
        Trainer.run(TrainingConfig.builder(task, regime).p(13).layers(layers).epochs(12).seed(3)
                .device(DeviceChoice.CPU).threads(1).runId(runId).out(root).build());
        Archive archive = new Archive(root);
        RunInfo run = archive.readRun(runId);
        List<Example> train = archive.readExamples(runId).stream().filter(Example::train).toList();
        List<EpochMetrics> metrics = archive.readMetrics(runId);
        assertEquals(archive.checkpointSteps(runId), metrics.stream().map(EpochMetrics::epoch).toList());
        for (EpochMetrics m : metrics) {
            Checkpoint c = archive.readCheckpoint(runId, m.epoch());
            LossResult java = LossEvaluator.evaluate(run.model(), c, train);
            double relative = Math.abs(java.meanLossNats() - m.trainLoss()) / m.trainLoss();
            assertTrue(relative <= 1e-4, "epoch " + m.epoch() + ": analysis " + java.meanLossNats() + " nats, trainer "
                    + m.trainLoss() + " nats, relative difference " + relative);
            assertEquals(m.trainAccuracy(), (double) java.correct() / java.examples(), 1e-12, "epoch " + m.epoch());
        }
    }
}
