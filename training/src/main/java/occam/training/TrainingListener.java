package occam.training;

import occam.schemas.Checkpoint;
import occam.schemas.EpochMetrics;
import occam.schemas.RunInfo;
import occam.schemas.TrainingState;
import occam.training.task.Dataset;

/** Hooks of the training loop; recording and progress live here, not in the loop. Methods run on the training thread. */
public interface TrainingListener {

    /**
     * Before the first update: the run as recorded in {@code runs}, its split, and the first epoch this process
     * trains (1, or the epoch after the checkpoint a resumed run continues from).
     */
    default void onStart(RunInfo run, Dataset dataset, int firstEpoch) {}

    /** After every epoch. */
    default void onEpoch(EpochState state) {}

    /** At every evaluation (each {@code evalEvery} epochs and each checkpoint epoch): the epoch's metrics. */
    default void onEvaluation(EpochMetrics metrics) {}

    /** At each checkpoint epoch, after {@link #onEvaluation}: every tensor, and what resuming from it needs. */
    default void onCheckpoint(Checkpoint checkpoint, TrainingState state) {}

    /** After the last epoch (not called when training fails). */
    default void onEnd(TrainingResult result) {}
}
