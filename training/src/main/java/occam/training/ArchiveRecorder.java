package occam.training;

import java.nio.file.Files;
import java.nio.file.Path;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.EpochMetrics;
import occam.schemas.RunInfo;
import occam.schemas.TrainingState;
import occam.training.task.Dataset;

/**
 * Writes a run to an archive root through the schemas library: {@code runs} and {@code examples} at the start,
 * one {@code metrics} file per evaluation, and per checkpoint epoch its {@code training_state} file and then its
 * {@code checkpoints} file, so a checkpoint on disk always has its state. Each file is atomic, so an interrupted
 * run leaves its completed files readable.
 *
 * <p>A resumed run redoes the epochs after its last checkpoint; files it finds already written (by the interrupted
 * process, which computed the same values) are kept, so every row exists exactly once.
 */
public final class ArchiveRecorder implements TrainingListener {

    private final Archive archive;
    private String runId;

    public ArchiveRecorder(Path root) {
        this.archive = new Archive(root);
    }

    @Override
    public void onStart(RunInfo run, Dataset dataset, int firstEpoch) {
        runId = run.runId();
        if (!Files.exists(archive.runFile(run.runId()))) {
            archive.writeRun(run);
        }
        if (!Files.exists(archive.examplesFile(run.runId()))) {
            archive.writeExamples(run.runId(), dataset.examples());
        }
    }

    @Override
    public void onEvaluation(EpochMetrics metrics) {
        if (!Files.exists(archive.metricsFile(runId, metrics.epoch()))) {
            archive.writeMetrics(runId, metrics);
        }
    }

    @Override
    public void onCheckpoint(Checkpoint checkpoint, TrainingState state) {
        if (!Files.exists(archive.trainingStateFile(state.runId(), state.step()))) {
            archive.writeTrainingState(state);
        }
        if (!Files.exists(archive.checkpointFile(checkpoint.runId(), checkpoint.step()))) {
            archive.writeCheckpoint(checkpoint);
        }
    }
}
