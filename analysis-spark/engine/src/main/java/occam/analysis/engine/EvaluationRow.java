package occam.analysis.engine;

import java.util.List;
import occam.analysis.engine.CheckpointAnalyzer.Measurement;
import occam.analysis.engine.coarse.CoarseKey;
import occam.analysis.engine.search.SearchResult;

/**
 * One row of {@code evaluations}: a distinct coarse model the search evaluated. Fields mirror the columns;
 * {@code compressedBytes} is null for a model that was never the largest valid Delta of its rank configuration
 * for any epsilon (it could not become a best, so it was not compressed); {@code integerBytes} is the same model's
 * size under the integer codec, measured for the same models.
 */
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
        Long compressedBytes,
        int level,
        Long integerBytes) {

    static EvaluationRow of(RowHeader h, SearchResult.Point<CoarseKey, Measurement> p, List<Double> epsilons, Long integerBytes) {
        Measurement m = p.measured();
        return new EvaluationRow(h.schemaVersion(), h.settingsHash(), h.runId(), h.step(), p.phase(), p.epsilon(), p.index(), p.tau(),
                p.delta(), p.key().ranksKept(), m.coarseValues(), m.lossNats(), m.lossIncrease(), SearchResult.smallestValidEpsilon(m, epsilons),
                m.accuracy(), m.dataBits(), p.compressedBytes(), p.level(), integerBytes);
    }
}
