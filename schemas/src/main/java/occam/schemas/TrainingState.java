package occam.schemas;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run needs besides its checkpoint to continue exactly as if it had not stopped: AdamW's moments and update
 * count, and the states of the random generators. Stored in {@code training_state}, one file per checkpoint; only the
 * trainer reads it.
 *
 * @param step the checkpoint's epoch
 * @param updateStep AdamW's update count t
 * @param batchOrderState the minibatch-order generator's state after the checkpoint epoch's shuffle
 * @param noiseSeed the seed every update's weight noise is derived from (with the update count)
 * @param elapsedSeconds training wall time up to the checkpoint
 * @param firstMoments AdamW's m per model tensor, in the model's tensor order
 * @param secondMoments AdamW's v per model tensor, same keys
 */
public record TrainingState(String runId, int step, long updateStep, long batchOrderState, long noiseSeed,
        double elapsedSeconds, Map<String, Tensor> firstMoments, Map<String, Tensor> secondMoments) {

    /** Tensor-name prefixes of the two moments in the {@code training_state} table. */
    static final String FIRST = "adam_m/";
    static final String SECOND = "adam_v/";

    public TrainingState {
        RunIds.require(runId);
        if (step < 0 || updateStep < 0) {
            throw new IllegalArgumentException("training state " + runId + "@" + step + ": negative step or update step");
        }
        if (!firstMoments.keySet().equals(secondMoments.keySet())) {
            throw new IllegalArgumentException("training state " + runId + "@" + step
                    + ": first moments of " + firstMoments.keySet() + " but second moments of " + secondMoments.keySet());
        }
        firstMoments = Collections.unmodifiableMap(new LinkedHashMap<>(firstMoments));
        secondMoments = Collections.unmodifiableMap(new LinkedHashMap<>(secondMoments));
    }
}
