package occam.analysis.engine;

/**
 * Where one checkpoint's analysis spent its time, for logs and benchmarks only (never in a table: outputs stay
 * deterministic). {@code coarseNanos}, {@code lossNanos} and {@code compressNanos} are thread CPU time (wall time
 * where the JVM cannot measure it) summed over threads, so other work on shared cores does not inflate them;
 * {@code svdNanos}, {@code baselineNanos} and {@code wallNanos} are elapsed time.
 *
 * @param models distinct coarse models built and evaluated (once each)
 * @param compressed of those, the models compressed (only those that could become a best)
 * @param integerSized models sized by the integer codec (the compressed ones and the balanced-split candidates)
 */
public record AnalysisStats(
        int threads,
        int models,
        int compressed,
        long svdNanos,
        long baselineNanos,
        long coarseNanos,
        long lossNanos,
        long compressNanos,
        int integerSized,
        long integerNanos,
        long wallNanos) {

    @Override
    public String toString() {
        return String.format("%d models (%d compressed) on %d thread(s) in %.2f s: SVD %.0f ms, baseline %.0f ms; CPU "
                        + "coarse-graining %.2f s, loss %.2f s (%.1f ms per model), bzip2 %.2f s (%.1f ms per compressed model), "
                        + "integer codec %.2f s (%.1f ms per model sized, %d sized)",
                models, compressed, threads, wallNanos / 1e9, svdNanos / 1e6, baselineNanos / 1e6, coarseNanos / 1e9,
                lossNanos / 1e9, per(lossNanos, models), compressNanos / 1e9, per(compressNanos, compressed), integerNanos / 1e9,
                per(integerNanos, integerSized), integerSized);
    }

    private static double per(long nanos, int count) {
        return count == 0 ? 0 : nanos / 1e6 / count;
    }
}
