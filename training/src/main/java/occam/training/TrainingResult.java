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
 * @param timings where the wall time went
 */
public record TrainingResult(
        RunInfo run, long updateSteps, List<Evaluation> evaluations, List<EpochMetrics> checkpoints, Timings timings) {

    /**
     * Wall times in seconds. {@code train} is every update (forward, backward, noise, penalty and optimizer);
     * {@code penalty} is the spectral penalty's share of it; {@code evaluation} the full-split evaluations;
     * {@code record} the checkpoint snapshots, metrics and listeners.
     */
    public record Timings(double total, double train, double penalty, double evaluation, double record) {}

    /** The first evaluated epoch whose test accuracy is at least {@code threshold}. */
    public OptionalInt firstEpochWithTestAccuracy(double threshold) {
        return evaluations.stream().filter(e -> e.testAccuracy() >= threshold).mapToInt(Evaluation::epoch).findFirst();
    }

    public EpochMetrics last() {
        return checkpoints.get(checkpoints.size() - 1);
    }
}
