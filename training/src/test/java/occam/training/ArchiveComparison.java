package occam.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.EpochMetrics;
import occam.schemas.RunInfo;
import occam.schemas.TrainingState;

/** Asserts that two archives hold the same run: every checkpoint, state and metrics row equal, each exactly once. */
final class ArchiveComparison {

    private ArchiveComparison() {}

    static void assertSameRun(Archive expected, Archive actual, String runId) {
        RunInfo e = expected.readRun(runId);
        RunInfo a = actual.readRun(runId);
        assertEquals(e.model(), a.model());
        assertEquals(e.training(), a.training());
        assertEquals(expected.readExamples(runId), actual.readExamples(runId));
        assertEquals(expected.checkpointSteps(runId), actual.checkpointSteps(runId), "checkpoint steps");
        assertEquals(expected.trainingStateSteps(runId), actual.trainingStateSteps(runId), "training-state steps");
        assertEquals(expected.metricsEpochs(runId), actual.metricsEpochs(runId), "metrics epochs");
        for (int step : expected.checkpointSteps(runId)) {
            Checkpoint ce = expected.readCheckpoint(runId, step);
            Checkpoint ca = actual.readCheckpoint(runId, step);
            assertEquals(ce.updateStep(), ca.updateStep(), "update step at " + step);
            assertEquals(ce.tensors().keySet(), ca.tensors().keySet());
            for (String name : ce.tensors().keySet()) {
                assertArrayEquals(ce.tensor(name).values(), ca.tensor(name).values(), name + " at epoch " + step);
            }
            TrainingState se = expected.readTrainingState(runId, step);
            TrainingState sa = actual.readTrainingState(runId, step);
            assertEquals(se.updateStep(), sa.updateStep());
            assertEquals(se.batchOrderState(), sa.batchOrderState(), "batch order at " + step);
            assertEquals(se.noiseSeed(), sa.noiseSeed());
            for (String name : se.firstMoments().keySet()) {
                assertArrayEquals(se.firstMoments().get(name).values(), sa.firstMoments().get(name).values(), "m " + name);
                assertArrayEquals(se.secondMoments().get(name).values(), sa.secondMoments().get(name).values(), "v " + name);
            }
        }
        List<EpochMetrics> me = expected.readMetrics(runId);
        List<EpochMetrics> ma = actual.readMetrics(runId);
        assertEquals(me.size(), ma.size(), "metrics rows");
        for (int i = 0; i < me.size(); i++) {
            assertEquals(withoutTime(me.get(i)), withoutTime(ma.get(i)), "metrics row of epoch " + me.get(i).epoch());
        }
    }

    /** Everything but the wall time, which no two runs share. */
    private static EpochMetrics withoutTime(EpochMetrics m) {
        return new EpochMetrics(m.epoch(), m.updateStep(), m.trainLoss(), m.trainAccuracy(), m.testLoss(),
                m.testAccuracy(), m.weightNorm(), m.meanSpectralEntropy(), m.meanEffectiveRank(), m.spectralEntropy(),
                m.effectiveRank(), 0);
    }
}
