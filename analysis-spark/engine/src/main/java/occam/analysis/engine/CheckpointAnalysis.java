package occam.analysis.engine;

import java.util.List;

/**
 * Everything one checkpoint contributes to the analysis tables, plus timings for logs. The rows are a pure
 * function of (model spec, checkpoint, training split, settings); {@link #stats()} is not.
 */
public record CheckpointAnalysis(
        BaselineRow baseline,
        List<EvaluationRow> evaluations,
        List<ComplexityRow> complexity,
        List<SpectrumRow> spectra,
        List<RateDistortionFitRow> rateDistortionFits,
        List<StoredModel> models,
        AnalysisStats stats) {

    public CheckpointAnalysis {
        evaluations = List.copyOf(evaluations);
        complexity = List.copyOf(complexity);
        spectra = List.copyOf(spectra);
        rateDistortionFits = List.copyOf(rateDistortionFits);
        models = List.copyOf(models);
    }

    /** Whether every row equals the other's (timings ignored). */
    public boolean sameRows(CheckpointAnalysis o) {
        return baseline.equals(o.baseline) && evaluations.equals(o.evaluations) && complexity.equals(o.complexity)
                && spectra.equals(o.spectra) && rateDistortionFits.equals(o.rateDistortionFits) && sameModels(o.models);
    }

    private boolean sameModels(List<StoredModel> other) {
        if (models.size() != other.size()) {
            return false;
        }
        for (int i = 0; i < models.size(); i++) {
            StoredModel a = models.get(i);
            StoredModel b = other.get(i);
            if (a.epsilon() != b.epsilon() || !a.codec().equals(b.codec()) || a.compressedBytes() != b.compressedBytes()
                    || !java.util.Arrays.equals(a.message(), b.message())) {
                return false;
            }
        }
        return true;
    }
}
