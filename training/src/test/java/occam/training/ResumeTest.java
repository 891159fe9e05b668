package occam.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import occam.schemas.Archive;
import occam.schemas.TrainingSettings;
import occam.training.task.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run stopped after any epoch and run again ends exactly as an uninterrupted run (in-process stops). */
class ResumeTest {

    private static final int EPOCHS = 14;

    @TempDir
    static Path dir;

    static Path reference;

    /** ours: weight noise, the spectral penalty and weight decay all carry state across the stop. */
    private static TrainingConfig.Builder config(Path out) {
        return TrainingConfig.builder(Task.SUB, Regime.OURS).p(11).layers(1).epochs(EPOCHS).evalEvery(3).threads(1)
                .device(DeviceChoice.CPU).runId("r").out(out);
    }

    /** Stops the training thread after an epoch, as a crash would, before any later file is written. */
    private static final class StopAfter implements TrainingListener {
        final int epoch;

        StopAfter(int epoch) {
            this.epoch = epoch;
        }

        @Override
        public void onEpoch(EpochState state) {
            if (state.epoch() == epoch) {
                throw new IllegalStateException("stopped after epoch " + epoch);
            }
        }
    }

    /** Stops while epoch {@code epoch} is being recorded: its metrics row written, its state and checkpoint not. */
    private static final class StopInEvaluation implements TrainingListener {
        final int epoch;

        StopInEvaluation(int epoch) {
            this.epoch = epoch;
        }

        @Override
        public void onEvaluation(occam.schemas.EpochMetrics metrics) {
            if (metrics.epoch() == epoch) {
                throw new IllegalStateException("stopped at epoch " + epoch);
            }
        }
    }

    @BeforeAll
    static void uninterrupted() {
        reference = dir.resolve("reference");
        TrainingResult r = Trainer.run(config(reference).build());
        assertEquals(1, r.firstEpoch());
    }

    @Test
    void stoppedTwiceAndResumedEndsBitIdentical() {
        Path out = dir.resolve("twice");
        // checkpoints at 1, 2, 3, 4, 6, 8, 10, 13, 14: stop between (7: state of 6) and right after one (10)
        assertThrows(IllegalStateException.class, () -> Trainer.run(config(out).build(), new StopAfter(7)));
        Archive archive = new Archive(out);
        assertEquals(6, archive.progress("r").resumeStep());
        assertTrue(archive.progress("r").describe().contains("resumable from epoch 6"), archive.progress("r").describe());
        assertThrows(IllegalStateException.class, () -> Trainer.run(config(out).build(), new StopAfter(10)));
        TrainingResult last = Trainer.run(config(out).build());
        assertEquals(11, last.firstEpoch());
        assertTrue(last.resumed());
        ArchiveComparison.assertSameRun(new Archive(reference), archive, "r");
        assertTrue(archive.progress("r").complete());
        // the result covers the whole run, the epochs before the stop read back from the archive
        assertEquals(List.of(1, 2, 3, 4, 6, 8, 10, 13, 14), last.checkpoints().stream().map(m -> m.epoch()).toList());
        assertEquals(List.of(1, 2, 3, 4, 6, 8, 9, 10, 12, 13, 14), last.evaluations().stream().map(e -> e.epoch()).toList());
    }

    @Test
    void stoppedBeforeTheFirstCheckpointStartsOver() {
        Path out = dir.resolve("early");
        assertThrows(IllegalStateException.class, () -> Trainer.run(config(out).build(), new StopInEvaluation(1)));
        assertEquals(List.of(), new Archive(out).checkpointSteps("r"));
        assertEquals(List.of(1), new Archive(out).metricsEpochs("r")); // kept, and not written twice
        assertEquals(1, Trainer.run(config(out).build()).firstEpoch());
        ArchiveComparison.assertSameRun(new Archive(reference), new Archive(out), "r");
    }

    @Test
    void aCompleteRunIsNotTrainedAgain() {
        TrainingResult again = Trainer.run(config(reference).build());
        assertFalse(again.trained());
        assertEquals(EPOCHS, again.last().epoch());
        assertEquals(RunPlan.Kind.COMPLETE, RunPlan.of(config(reference).build()).kind());
    }

    @Test
    void otherHyperParametersForAnExistingRunAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.run(config(reference).learningRate(0.01).epochs(20).build()));
        assertTrue(e.getMessage().contains("--lr 0.01 (the run has 0.001)"), e.getMessage());
        assertTrue(e.getMessage().contains("--epochs 20 (the run has 14)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RunPlan.of(config(reference)
                .positionTable(occam.schemas.ModelSpec.PositionTable.SEQUENCE).build()));
        assertTrue(e.getMessage().contains("--position-table sequence (the run has vocabulary)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RunPlan.of(config(reference).evalEvery(5).build()));
        assertTrue(e.getMessage().contains("--eval-every 5 (the run has 3)"), e.getMessage());
    }

    @Test
    void runsWrittenBeforeTheStateWasSavedSayTheyCannotBeResumed() {
        Path out = dir.resolve("legacy");
        Archive archive = new Archive(out);
        var fresh = Trainer.runInfo(config(out).positionTable(occam.schemas.ModelSpec.PositionTable.SEQUENCE).build());
        TrainingSettings t = fresh.training();
        // as an older occam recorded it: no eval_every, a 4-row position table, a checkpoint without state
        archive.writeRun(new occam.schemas.RunInfo(fresh.runId(), fresh.task(), fresh.p(), fresh.trainFraction(),
                fresh.nTrain(), fresh.nTest(), fresh.seed(), fresh.regime(), fresh.model(),
                new TrainingSettings(t.epochs(), t.batchSize(), t.learningRate(), t.adamBeta1(), t.adamBeta2(),
                        t.adamEps(), t.weightDecay(), t.spectralBeta(), t.noiseStd()),
                "cpu()", "occam-training old", Instant.now()));
        archive.writeCheckpoint(new occam.schemas.Checkpoint("r", 2, 4, new Archive(reference).readCheckpoint("r", 2).tensors()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.run(config(out).build()));
        assertEquals("run 'r' in " + out + " stopped at epoch 2 of 14; written by an occam that did not save the"
                + " training state, so it cannot be resumed: choose another --run-id or --out", e.getMessage());
    }
}
