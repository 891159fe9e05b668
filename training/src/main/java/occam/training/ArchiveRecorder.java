package occam.training;

import java.nio.file.Path;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.EpochMetrics;
import occam.schemas.RunInfo;
import occam.training.task.Dataset;

/**
 * Writes a run to an archive root through the schemas library: {@code runs} and {@code examples} at the start,
 * then one {@code metrics} file and one {@code checkpoints} file per checkpoint epoch. Each file is atomic, so an
 * interrupted run leaves its completed checkpoints readable.
 */
public final class ArchiveRecorder implements TrainingListener {

    private final Archive archive;

    public ArchiveRecorder(Path root) {
        this.archive = new Archive(root);
    }

    @Override
    public void onStart(RunInfo run, Dataset dataset) {
        archive.writeRun(run);
        archive.writeExamples(run.runId(), dataset.examples());
    }

    @Override
    public void onCheckpoint(Checkpoint checkpoint, EpochMetrics metrics) {
        archive.writeMetrics(checkpoint.runId(), metrics);
        archive.writeCheckpoint(checkpoint);
    }
}
