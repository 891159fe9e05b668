package occam.analysis.engine;

/**
 * Where one checkpoint's analysis spent its time, for logs and benchmarks only (never in a table: outputs stay
 * deterministic). {@code coarseNanos}, {@code lossNanos} and {@code compressNanos} are thread CPU time (wall time
 * where the JVM cannot measure it) summed over threads, so other work on shared cores does not inflate them;
 * {@code svdNanos}, {@code baselineNanos} and {@code wallNanos} are elapsed time.
 *
 * @param proposals search proposals, duplicates included
 * @param distinctModels coarse models built, evaluated and compressed (once each)
 */
public record AnalysisStats(
        int threads,
        int proposals,
        int distinctModels,
        long svdNanos,
        long baselineNanos,
        long coarseNanos,
        long lossNanos,
        long compressNanos,
        long wallNanos) {

    @Override
    public String toString() {
        return String.format("%d models (%d proposals) on %d thread(s) in %.2f s: SVD %.0f ms, baseline %.0f ms; per model "
                        + "coarse-graining %.1f ms, loss %.1f ms, bzip2 %.1f ms (CPU)",
                distinctModels, proposals, threads, wallNanos / 1e9, svdNanos / 1e6, baselineNanos / 1e6,
                perModel(coarseNanos), perModel(lossNanos), perModel(compressNanos));
    }

    private double perModel(long nanos) {
        return distinctModels == 0 ? 0 : nanos / 1e6 / distinctModels;
    }
}
