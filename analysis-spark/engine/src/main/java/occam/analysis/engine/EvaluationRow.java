package occam.analysis.engine;

/** One row of {@code evaluations}: a distinct coarse model the search evaluated. Fields mirror the columns. */
public record EvaluationRow(
        int schemaVersion,
        String settingsHash,
        String runId,
        int step,
        String phase,
        Double epsilon,
        int pointIndex,
        double tau,
        double delta,
        String ranksKept,
        long coarseValues,
        double lossNats,
        double lossIncreaseNats,
        Double smallestValidEpsilon,
        double trainAccuracy,
        double dataBits,
        long compressedBytes) {}
