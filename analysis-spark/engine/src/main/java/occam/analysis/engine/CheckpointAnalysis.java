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
        RateDistortionFitRow rateDistortionFit,
        AnalysisStats stats) {

    public CheckpointAnalysis {
        evaluations = List.copyOf(evaluations);
        complexity = List.copyOf(complexity);
        spectra = List.copyOf(spectra);
    }

    /** Whether every row equals the other's (timings ignored). */
    public boolean sameRows(CheckpointAnalysis o) {
        return baseline.equals(o.baseline) && evaluations.equals(o.evaluations) && complexity.equals(o.complexity)
                && spectra.equals(o.spectra) && rateDistortionFit.equals(o.rateDistortionFit);
    }
}
