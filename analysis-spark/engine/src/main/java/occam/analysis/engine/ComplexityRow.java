package occam.analysis.engine;

import occam.analysis.engine.figures.GeneralizationBound;

/**
 * One row of {@code complexity}: the best coarse model of a checkpoint for one epsilon. Fields mirror the columns;
 * build it with {@link #of}.
 */
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
        int pointsEvaluated,
        Integer bestLevel,
        Long halfBudgetBytes,
        String codec,
        Double testLossNats,
        Double testAccuracy,
        String factorSplit) {

    public static final String SOURCE_SEARCH = "search";
    public static final String SOURCE_NAIVE = "naive";

    /** The model a row reports: a search's best or the naive stand-in. */
    record Chosen(String source, double tau, double delta, String ranksKept, long compressedBytes, double lossNats, double lossIncreaseNats,
            double trainErrorRate, double dataBits, String factorSplit) {}

    /** How settled the best is: the level that found it and the best after all levels but the last (nullable). */
    record Settledness(Integer bestLevel, Long halfBudgetBytes) {}

    /** Algorithm 2's answer, both null when no tau = 1 model meets epsilon. */
    record QuantizationOnly(Double delta, Long bytes) {}

    /** The chosen model on the run's test split; both null without one (or for the naive stand-in). */
    record TestFigures(Double lossNats, Double accuracy) {
        static final TestFigures NONE = new TestFigures(null, null);
    }

    static ComplexityRow of(RowHeader h, double epsilon, String codec, Chosen m, int nTrain, double boundDelta, QuantizationOnly q,
            int pointsEvaluated, Settledness s, TestFigures test) {
        double bits = 8.0 * m.compressedBytes();
        double bound = GeneralizationBound.of(m.trainErrorRate(), bits, nTrain, boundDelta);
        return new ComplexityRow(h.schemaVersion(), h.settingsHash(), h.runId(), h.step(), h.updateStep(), epsilon, m.source(), m.tau(),
                m.delta(), m.ranksKept(), m.compressedBytes(), bits, m.lossNats(), m.lossIncreaseNats(), m.trainErrorRate(), m.dataBits(),
                bits + m.dataBits(), nTrain, bound, bound >= 1, q.delta(), q.bytes(), pointsEvaluated, s.bestLevel(), s.halfBudgetBytes(),
                codec, test.lossNats(), test.accuracy(), m.factorSplit());
    }
}
