package occam.analysis.engine;

/**
 * Where one checkpoint's analysis spent its time, for logs and benchmarks only (never in a table: outputs stay
 * deterministic). {@code coarseNanos}, {@code lossNanos} and {@code compressNanos} are thread CPU time (wall time
 * where the JVM cannot measure it) summed over threads, so other work on shared cores does not inflate them;
 * {@code svdNanos}, {@code baselineNanos} and {@code wallNanos} are elapsed time.
 *
 * @param models the search's points: distinct coarse models on the paper's factor split, built and evaluated once each
 * @param balancedModels models on the balanced factor split that the integer codec's pass built and evaluated (their loss
 *     time is in {@code lossNanos} too)
 * @param compressed of those, the models compressed (only those that could become a best)
 * @param sameFunction of the models of either split, those whose loss was not evaluated: a model measured before computes the
 *     same function (they differ only in triplets quantized to nothing); their time is in {@code lossNanos}
 * @param integerSized models sized by the integer codec (the compressed ones and the balanced-split candidates)
 */
public record AnalysisStats(
        int threads,
        int models,
        int balancedModels,
        int compressed,
        long svdNanos,
        long baselineNanos,
        long coarseNanos,
        long lossNanos,
        int sameFunction,
        long compressNanos,
        int integerSized,
        long integerNanos,
        long wallNanos) {

    @Override
    public String toString() {
        return String.format("%d models (%d compressed) and %d on the balanced split on %d thread(s) in %.2f s: SVD %.0f ms, "
                        + "baseline %.0f ms; CPU coarse-graining %.2f s, loss %.2f s (%.1f ms per model of either split, "
                        + "%d of them the same function as one evaluated), "
                        + "bzip2 %.2f s (%.1f ms per compressed model), integer codec %.2f s (%.1f ms per model sized, %d sized)",
                models, compressed, balancedModels, threads, wallNanos / 1e9, svdNanos / 1e6, baselineNanos / 1e6,
                coarseNanos / 1e9, lossNanos / 1e9, per(lossNanos, models + balancedModels), sameFunction, compressNanos / 1e9,
                per(compressNanos, compressed), integerNanos / 1e9, per(integerNanos, integerSized), integerSized);
    }

    private static double per(long nanos, int count) {
        return count == 0 ? 0 : nanos / 1e6 / count;
    }
}
