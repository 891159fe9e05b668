package occam.schemas;

import java.time.Instant;

/** One row of {@code runs}: what was trained, how, and with which model. */
public record RunInfo(
        String runId,
        String task,
        int p,
        double trainFraction,
        int nTrain,
        int nTest,
        long seed,
        String regime,
        ModelSpec model,
        TrainingSettings training,
        String device,
        String codeVersion,
        Instant createdAt) {

    public RunInfo {
        RunIds.require(runId);
    }
}
