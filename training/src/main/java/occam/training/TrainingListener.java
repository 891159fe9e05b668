package occam.training;

import occam.schemas.Checkpoint;
import occam.schemas.EpochMetrics;
import occam.schemas.RunInfo;
import occam.training.task.Dataset;

/** Hooks of the training loop; recording and progress live here, not in the loop. Methods run on the training thread. */
public interface TrainingListener {

    /** Before the first update: the run as recorded in {@code runs}, and its split. */
    default void onStart(RunInfo run, Dataset dataset) {}

    /** After every epoch. */
    default void onEpoch(EpochState state) {}

    /** At each checkpoint epoch: every tensor, and the metrics of that epoch. */
    default void onCheckpoint(Checkpoint checkpoint, EpochMetrics metrics) {}

    /** After the last epoch (not called when training fails). */
    default void onEnd(TrainingResult result) {}
}
