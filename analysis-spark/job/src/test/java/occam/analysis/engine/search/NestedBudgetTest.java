package occam.analysis.engine.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import occam.analysis.engine.AnalysisSettings;
import occam.analysis.engine.CheckpointAnalysis;
import occam.analysis.engine.CheckpointAnalyzer;
import occam.analysis.engine.ComplexityRow;
import occam.analysis.engine.RunContext;
import occam.schemas.Archive;
import occam.schemas.Example;
import occam.training.DeviceChoice;
import occam.training.Regime;
import occam.training.Trainer;
import occam.training.TrainingConfig;
import occam.training.task.Task;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * On checkpoints of real training runs (the DJL trainer, p = 13), a larger search budget never returns a larger
 * best: the search with one, two and three levels, every (checkpoint, epsilon), and the half-budget column of each
 * is the smaller budget's best.
 */
class NestedBudgetTest {

    @TempDir
    Path root;

    @ParameterizedTest(name = "{0}, {1} layer(s), {2}")
    @CsvSource({"ADD, 1, OURS", "SUB, 2, WD"})
    void aNestedLargerBudgetNeverReturnsALargerBest(Task task, int layers, Regime regime) {
        String runId = task.id() + "-" + regime.id();
        Trainer.run(TrainingConfig.builder(task, regime).p(13).layers(layers).epochs(40).seed(5)
                .device(DeviceChoice.CPU).threads(1).runId(runId).out(root).build());
        Archive archive = new Archive(root);
        List<Example> train = archive.readExamples(runId).stream().filter(Example::train).toList();
        RunContext run = RunContext.of(archive.readRun(runId), train);
        List<Integer> steps = archive.checkpointSteps(runId);
        AnalysisSettings base = AnalysisSettings.defaults().withSearch(3, 4, 1, 1);
        int searched = 0;
        for (int step : List.of(steps.get(steps.size() / 2), steps.get(steps.size() - 1))) {
            var checkpoint = archive.readCheckpoint(runId, step);
            CheckpointAnalysis previous = null;
            for (int levels = 1; levels <= 3; levels++) {
                CheckpointAnalysis a = CheckpointAnalyzer.analyze(run, checkpoint, base.withLevels(levels), 1);
                if (previous != null) {
                    for (int e = 0; e < a.complexity().size(); e++) {
                        ComplexityRow smaller = previous.complexity().get(e);
                        ComplexityRow larger = a.complexity().get(e);
                        String where = runId + "@" + step + " " + larger.codec() + " epsilon " + larger.epsilon() + " levels " + levels;
                        assertTrue(larger.compressedBytes() <= smaller.compressedBytes(), where + ": " + larger.compressedBytes()
                                + " > " + smaller.compressedBytes());
                        if (smaller.source().equals(ComplexityRow.SOURCE_SEARCH)) {
                            searched++;
                            assertEquals(smaller.compressedBytes(), larger.halfBudgetBytes(), where);
                        }
                    }
                }
                previous = a;
            }
        }
        assertTrue(searched > 0, "some epsilon was met by a searched model");
    }
}
