package occam.schemas;

import java.util.Map;

/** One row of {@code metrics}: the state of training after {@code epoch} epochs. */
public record EpochMetrics(
        int epoch,
        long updateStep,
        double trainLoss,
        double trainAccuracy,
        double testLoss,
        double testAccuracy,
        double weightNorm,
        double meanSpectralEntropy,
        double meanEffectiveRank,
        Map<String, Double> spectralEntropy,
        Map<String, Double> effectiveRank,
        double elapsedSeconds) {

    public EpochMetrics {
        spectralEntropy = Map.copyOf(spectralEntropy);
        effectiveRank = Map.copyOf(effectiveRank);
    }
}
