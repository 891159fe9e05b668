package occam.analysis.engine.search;

import java.util.List;

/**
 * What a search found: every model it measured, in order, and per epsilon the choice it made. The bound test
 * "loss increase <= epsilon" lives here, in {@link #meets}, and nowhere else.
 *
 * @param points every measured model, in the order of {@link Point#index()}
 * @param choices one per epsilon, in the plan's order
 * @param hasHalfBudget whether the plan had more than one level, i.e. {@link Choice#halfBudget()} is meaningful
 */
public record SearchResult<K, M extends CoarseSearch.Measured>(
        List<Double> epsilons,
        List<Point<K, M>> points,
        List<Choice<K, M>> choices,
        boolean hasHalfBudget) {

    public SearchResult {
        epsilons = List.copyOf(epsilons);
        points = List.copyOf(points);
        choices = List.copyOf(choices);
    }

    /** The bound: a model is valid for epsilon when its loss exceeds the checkpoint's by at most epsilon. */
    public static boolean meets(CoarseSearch.Measured m, double epsilon) {
        return m.lossIncrease() <= epsilon;
    }

    /** The smallest of {@code epsilons} that {@code m} meets; null when it meets none. */
    public static Double smallestValidEpsilon(CoarseSearch.Measured m, List<Double> epsilons) {
        Double smallest = null;
        for (double e : epsilons) {
            if (meets(m, e) && (smallest == null || e < smallest)) {
                smallest = e;
            }
        }
        return smallest;
    }

    /**
     * One measured model.
     *
     * @param phase {@link CoarseSearch#QUANTIZATION} (tau = 1), {@link CoarseSearch#GRID}, {@link CoarseSearch#REFINE}
     *     or {@link CoarseSearch#WALK}
     * @param epsilon the epsilon of the refinement step or walk that measured it; null for grid configurations
     * @param level the search level that measured it (0-based)
     * @param compressedBytes its size; null when it was never a boundary model, or its screening size showed it could
     *     not become a best (see {@link CoarseSearch})
     * @param compressedLevel the level that compressed it, or -1
     * @param sizedLevel the level that sized it (screening size, and compressed size unless screened out; it became a
     *     candidate then), or -1 when never sized: a model measured at one level may become a boundary at a later one,
     *     when a walk or a grid asks its configuration for another epsilon
     */
    public record Point<K, M extends CoarseSearch.Measured>(
            int index,
            String phase,
            Double epsilon,
            int level,
            double tau,
            double delta,
            K key,
            M measured,
            Long compressedBytes,
            int compressedLevel,
            int sizedLevel) {

        public boolean meets(double epsilon) {
            return SearchResult.meets(measured, epsilon);
        }
    }

    /**
     * The search's answer for one epsilon.
     *
     * @param best the smallest valid model (ties: smaller loss increase, then measured first); null when no
     *     measured model meets epsilon
     * @param quantizationOnly Algorithm 2: the valid model at tau = 1 with the largest Delta; null when none
     * @param halfBudget the best after every level but the last (about half the budget); null when there was
     *     none or the plan has one level
     */
    public record Choice<K, M extends CoarseSearch.Measured>(
            double epsilon,
            Point<K, M> best,
            Point<K, M> quantizationOnly,
            Point<K, M> halfBudget) {}
}
