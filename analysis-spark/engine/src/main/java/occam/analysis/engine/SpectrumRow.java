package occam.analysis.engine;

/** One row of {@code spectra}: a 2-D weight's spectrum and the rank kept for one epsilon. Fields mirror the columns. */
public record SpectrumRow(
        int schemaVersion,
        String settingsHash,
        String runId,
        int step,
        double epsilon,
        String tensor,
        int rows,
        int cols,
        double spectralEntropyNats,
        double effectiveRank,
        double largestSingularValue,
        double singularValueSum,
        int rankKept,
        boolean factored) {}
