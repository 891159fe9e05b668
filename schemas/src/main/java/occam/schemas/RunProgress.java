package occam.schemas;

/**
 * How far a run in an archive got. A run is complete when its checkpoint at its last configured epoch exists: the
 * trainer writes that file last. An unfinished run can be resumed when its trainer saved the training state
 * ({@code runs.eval_every} is set): from the latest checkpoint with a {@code training_state} file, or from the
 * start when it has none. Runs written before the state was saved cannot be resumed.
 *
 * @param lastEpoch the latest epoch with a metrics row or a checkpoint; 0 when none
 * @param resumeStep the checkpoint a resumed run continues from; 0 means from the initialization
 */
public record RunProgress(RunInfo run, int lastEpoch, boolean complete, boolean savesState, int resumeStep) {

    public int plannedEpochs() {
        return run.training().epochs();
    }

    /** Unfinished, and written by a trainer that saves its state. */
    public boolean resumable() {
        return !complete && savesState;
    }

    /** One phrase for messages and listings, e.g. "stopped at epoch 190 of 300, resumable from epoch 180". */
    public String describe() {
        if (complete) {
            return "complete (" + plannedEpochs() + " epochs)";
        }
        String stopped = "stopped at epoch " + lastEpoch + " of " + plannedEpochs();
        if (!savesState) {
            return stopped + "; written by an occam that did not save the training state, so it cannot be resumed";
        }
        return stopped + ", resumable from " + (resumeStep == 0 ? "the start" : "epoch " + resumeStep);
    }
}
