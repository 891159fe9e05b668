package occam.analysis.engine;

/** One row of {@code complexity}: the best coarse model of a checkpoint for one epsilon. Fields mirror the columns. */
public record ComplexityRow(
        int schemaVersion,
        String settingsHash,
        String runId,
        int step,
        long updateStep,
        double epsilon,
        String source,
        double tau,
        double delta,
        String ranksKept,
        long compressedBytes,
        double complexityBits,
        double lossNats,
        double lossIncreaseNats,
        double trainErrorRate,
        double dataBits,
        double totalDescriptionBits,
        int nTrain,
        double generalizationBound,
        boolean boundVacuous,
        Double quantizationOnlyDelta,
        Long quantizationOnlyBytes,
        int pointsEvaluated) {

    public static final String SOURCE_SEARCH = "search";
    public static final String SOURCE_NAIVE = "naive";
}
