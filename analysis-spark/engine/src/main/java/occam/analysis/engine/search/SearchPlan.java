package occam.analysis.engine.search;

import java.util.List;

/**
 * What the search evaluates, as data. The search runs in {@code levels}; level l (0-based) uses a tau grid of
 * (gridTaus - 1) x 2^l + 1 evenly spaced values over [tauMin, 1] and finds each rank configuration's largest valid
 * Delta per epsilon to within a bracket of (log deltaMax - log deltaMin) / 2^(bisectionSteps + l), then spends
 * {@code refinementSteps} Bayesian steps per epsilon. A plan with more levels runs every step of the plan with
 * fewer first, so a larger budget can only find a smaller best.
 *
 * @param seed mixed into the refinement's random candidates with (run, step, epsilon); 0 by default
 */
public record SearchPlan(
        List<Double> epsilons,
        double tauMin,
        int gridTaus,
        double deltaMin,
        double deltaMax,
        int bisectionSteps,
        int levels,
        int refinementSteps,
        int candidates,
        long seed) {

    /** Positions on the log-Delta axis: 2^FINE_BITS steps from deltaMin to deltaMax; every bisection point is one. */
    static final int FINE_BITS = 24;
    static final int FINE = 1 << FINE_BITS;

    public SearchPlan {
        epsilons = List.copyOf(epsilons);
        if (!(tauMin >= 0 && tauMin < 1)) {
            throw new IllegalArgumentException("tauMin(" + tauMin + ") outside [0, 1)");
        }
        if (gridTaus < 2) {
            throw new IllegalArgumentException("gridTaus(" + gridTaus + ") < 2: the grid needs tauMin and tau = 1");
        }
        if (!(deltaMin > 0 && deltaMax > deltaMin && Double.isFinite(deltaMax))) {
            throw new IllegalArgumentException("Delta range [" + deltaMin + ", " + deltaMax + "] must satisfy 0 < min < max < inf");
        }
        if (levels < 1 || bisectionSteps < 1 || bisectionSteps + levels - 1 > FINE_BITS) {
            throw new IllegalArgumentException("bisectionSteps(" + bisectionSteps + ") and levels(" + levels + ") must be >= 1 with "
                    + "bisectionSteps + levels - 1 <= " + FINE_BITS);
        }
        if (refinementSteps < 0) {
            throw new IllegalArgumentException("refinementSteps(" + refinementSteps + ") < 0");
        }
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates(" + candidates + ") < 1");
        }
    }

    /** The grid taus of {@code level}, ascending; the last is exactly 1. Each level's grid holds the previous one's. */
    public double[] taus(int level) {
        int n = (gridTaus - 1) * (1 << level) + 1;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = i == n - 1 ? 1.0 : tauMin + (1 - tauMin) * i / (n - 1);
        }
        return t;
    }

    /** The distance between neighbouring taus of {@code level}'s grid. */
    double spacing(int level) {
        return (1 - tauMin) / ((gridTaus - 1) * (double) (1 << level));
    }

    /** The Delta at position {@code j} of the log-Delta axis (0 = deltaMin, FINE = deltaMax); the ends are exact. */
    public double delta(int j) {
        if (j <= 0) {
            return deltaMin;
        }
        if (j >= FINE) {
            return deltaMax;
        }
        return Math.exp(Math.log(deltaMin) + (Math.log(deltaMax) - Math.log(deltaMin)) * j / FINE);
    }

    /** The widest bracket (in positions) a level's bisection leaves around a boundary. */
    int bracket(int level) {
        return FINE >> (bisectionSteps + level);
    }

    /** (tau, Delta) -> the unit square, for the refinement's model. */
    public double[] normalize(double tau, double delta) {
        double x0 = (tau - tauMin) / (1 - tauMin);
        double x1 = (Math.log(delta) - Math.log(deltaMin)) / (Math.log(deltaMax) - Math.log(deltaMin));
        return new double[] {Math.max(0, Math.min(1, x0)), Math.max(0, Math.min(1, x1))};
    }

    /** The unit square -> tau. */
    public double tau(double[] x) {
        return x[0] >= 1 ? 1.0 : tauMin + (1 - tauMin) * x[0];
    }
}
