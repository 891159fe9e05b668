package occam.training;

import java.util.List;
import java.util.OptionalInt;
import occam.schemas.EpochMetrics;
import occam.schemas.RunInfo;

/**
 * What a run did.
 *
 * @param evaluations every evaluation (each {@code evalEvery} epochs and each checkpoint epoch), by epoch
 * @param checkpoints the metrics of each checkpoint, by epoch
 * @param timings where the wall time went (this process's)
 * @param firstEpoch the first epoch this process trained: 1 for a new run, the epoch after the checkpoint a resumed
 *     run continued from, {@code epochs + 1} when the run was complete already and nothing was trained
 */
public record TrainingResult(RunInfo run, long updateSteps, List<Evaluation> evaluations, List<EpochMetrics> checkpoints,
        Timings timings, int firstEpoch) {

    /** Whether this process trained any epoch. */
    public boolean trained() {
        return firstEpoch <= run.training().epochs();
    }

    /** Whether it continued an interrupted run. */
    public boolean resumed() {
        return firstEpoch > 1 && trained();
    }

    /**
     * Wall times in seconds. {@code train} is every update (forward, backward, noise, penalty and optimizer);
     * {@code penalty} the part of it spent on the spectral penalty in the training thread (waiting for the
     * decomposition and adding its gradient); {@code decomposition} the time the decompositions took on their own
     * thread, overlapping the forward and backward passes; {@code evaluation} the full-split evaluations;
     * {@code record} the checkpoint snapshots, metrics and listeners. {@code trainCpu} and
     * {@code decompositionCpu} are the CPU seconds of the training thread during the updates and of the
     * decomposition thread: with one intra-op thread all of the updates' compute runs on those two threads, so
     * these are what the wall times would be on otherwise idle cores.
     */
    public record Timings(double total, double train, double penalty, double decomposition, double evaluation,
            double record, double trainCpu, double decompositionCpu) {}

    /** The first evaluated epoch whose test accuracy is at least {@code threshold}. */
    public OptionalInt firstEpochWithTestAccuracy(double threshold) {
        return evaluations.stream().filter(e -> e.testAccuracy() >= threshold).mapToInt(Evaluation::epoch).findFirst();
    }

    public EpochMetrics last() {
        return checkpoints.get(checkpoints.size() - 1);
    }
}
