package occam.analysis.engine;

/** The row of {@code rate_distortion_fits} for a checkpoint and a codec. Fields mirror the columns. */
public record RateDistortionFitRow(
        int schemaVersion,
        String settingsHash,
        String runId,
        int step,
        long updateStep,
        double slopeA,
        double interceptB,
        double rSquared,
        int nPoints,
        String codec) {}
