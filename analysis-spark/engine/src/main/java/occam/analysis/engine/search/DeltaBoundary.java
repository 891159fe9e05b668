package occam.analysis.engine.search;

import java.util.TreeMap;
import java.util.function.DoubleFunction;
import java.util.function.IntFunction;

/**
 * The largest valid Delta of one rank configuration, per epsilon, found from a starting guess: the same boundary
 * {@link CoarseSearch} bisects, for a configuration the caller already knows to be good (the integer codec's
 * pass on the balanced factor split, and the search's walk along the envelope). Positions are the plan's log-Delta
 * axis; every model is measured once and serves every epsilon asked for later.
 *
 * <p>From the start it steps outwards, doubling the step, until the boundary is bracketed, then halves the bracket
 * [largest valid, next measured] until it is at most {@code width} positions (as {@link CoarseSearch} does).
 */
public final class DeltaBoundary<M extends CoarseSearch.Measured> {

    private final SearchPlan plan;
    private final IntFunction<? extends M> measure;
    private final int width;
    private final TreeMap<Integer, M> measured;

    /** {@code measure}: the model of this configuration at a Delta; {@code width}: the finest bracket, in positions. */
    public DeltaBoundary(SearchPlan plan, DoubleFunction<M> measure, int width) {
        this(plan, new TreeMap<>(), j -> measure.apply(plan.delta(j)), width);
    }

    /** Over models already measured, by position; {@code measure} gives the model at a position not yet in {@code measured}. */
    DeltaBoundary(SearchPlan plan, TreeMap<Integer, M> measured, IntFunction<? extends M> measure, int width) {
        if (width < 1) {
            throw new IllegalArgumentException("width(" + width + ") < 1");
        }
        this.plan = plan;
        this.measured = measured;
        this.measure = measure;
        this.width = width;
    }

    /**
     * The bracket for a configuration the search already found: half the first level's (a factor 1.055 in Delta at
     * the defaults), whatever the number of levels, so a plan with a level less finds the same boundaries.
     */
    public static int width(SearchPlan plan) {
        return SearchPlan.FINE >> (plan.bisectionSteps() + 1);
    }

    /**
     * The position of the largest measured Delta meeting {@code epsilon} once bracketed, starting the search at
     * {@code startDelta} when nothing measured yet meets it; null when even deltaMin fails.
     */
    public Integer largestValid(double epsilon, double startDelta) {
        return largestValidFrom(epsilon, position(startDelta));
    }

    /**
     * As {@link #largestValid}, then one model a bracket past the first failure above the boundary: where that meets
     * {@code epsilon} too, the boundary is searched again from it. For a loss that is not monotone in Delta at the
     * bracket's scale (the integer codec's balanced split: sub-ours-s0@1000, epsilon 0.5, a loss increase of 0.487 at
     * Delta 0.0296, above 0.5 at the next Delta measured, 0.431 at 0.0325).
     */
    public Integer largestValidPastOneFailure(double epsilon, double startDelta) {
        Integer valid = largestValidFrom(epsilon, position(startDelta));
        Integer failure = valid == null ? null : measured.higherKey(valid);
        if (failure == null || failure + width > SearchPlan.FINE || !meets(failure + width, epsilon)) {
            return valid;
        }
        return largestValidFrom(epsilon, failure + width);
    }

    /** As {@link #largestValid}, starting at a position. */
    Integer largestValidFrom(double epsilon, int start) {
        Integer valid = valid(epsilon);
        if (valid == null) {
            int at = start;
            int step = width;
            while (!meets(at, epsilon)) {
                if (at == 0) {
                    return null;
                }
                at = Math.max(0, at - step);
                step *= 2;
            }
            valid = valid(epsilon);
        }
        if (measured.higherKey(valid) == null) {
            int at = valid;
            int step = width;
            while (at < SearchPlan.FINE) {
                at = Math.min(SearchPlan.FINE, at + step);
                step *= 2;
                if (!meets(at, epsilon)) {
                    break;
                }
            }
            valid = valid(epsilon);
        }
        while (valid < SearchPlan.FINE) {
            int above = measured.higherKey(valid);
            if (above - valid <= width) {
                break;
            }
            meets(valid + (above - valid) / 2, epsilon);
            valid = valid(epsilon);
        }
        return valid;
    }

    /** The Delta at a position. */
    public double delta(int position) {
        return plan.delta(position);
    }

    /** The model measured at a position (after {@link #largestValid} returned it). */
    public M at(int position) {
        return measured.get(position);
    }

    /** Models measured so far. */
    public int measuredCount() {
        return measured.size();
    }

    private boolean meets(int position, double epsilon) {
        M m = measured.get(position);
        if (m == null) {
            m = measure.apply(position);
            measured.put(position, m);
        }
        return SearchResult.meets(m, epsilon);
    }

    private Integer valid(double epsilon) {
        for (Integer j : measured.descendingKeySet()) {
            if (SearchResult.meets(measured.get(j), epsilon)) {
                return j;
            }
        }
        return null;
    }

    private int position(double delta) {
        double x = (Math.log(delta) - Math.log(plan.deltaMin())) / (Math.log(plan.deltaMax()) - Math.log(plan.deltaMin()));
        long j = Math.round(Math.max(0, Math.min(1, x)) * SearchPlan.FINE);
        return (int) (j / width * width);
    }
}
