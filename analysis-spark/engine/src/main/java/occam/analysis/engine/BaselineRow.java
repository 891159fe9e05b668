package occam.analysis.engine;

/** The row of {@code baselines} for a checkpoint: figures that need no search. Fields mirror the columns. */
public record BaselineRow(
        int schemaVersion,
        String settingsHash,
        String runId,
        int step,
        long updateStep,
        long nParameters,
        long rawBytes,
        long naiveBzip2Bytes,
        double lossNats,
        double trainAccuracy,
        double dataBits,
        double labelCodeBits,
        int nTrain) {}
