package occam.training;

/**
 * Where training stands after an epoch.
 *
 * @param minibatchLoss mean loss of this epoch's minibatches (at the noisy weights when noise is on; without the penalty)
 * @param latest the most recent evaluation, or null before the first
 */
public record EpochState(int epoch, int epochs, long updateStep, double minibatchLoss, Evaluation latest, double elapsedSeconds) {}
