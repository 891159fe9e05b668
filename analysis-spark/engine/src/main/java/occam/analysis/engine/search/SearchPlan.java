package occam.analysis.engine.search;

import java.util.List;

/**
 * What the search evaluates, as data: the grid (tau x Delta, tau = 1 being Algorithm 2), the epsilons, the
 * refinement budget per epsilon and the box the refinement explores (tau in [tauMin, 1], log Delta in
 * [log deltaMin, log deltaMax], both mapped linearly onto [0, 1]).
 */
public record SearchPlan(
        List<Double> epsilons,
        double tauMin,
        int gridTaus,
        double deltaMin,
        double deltaMax,
        int gridDeltas,
        int refinementSteps,
        int candidates) {

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
        if (gridDeltas < 2) {
            throw new IllegalArgumentException("gridDeltas(" + gridDeltas + ") < 2");
        }
        if (refinementSteps < 0) {
            throw new IllegalArgumentException("refinementSteps(" + refinementSteps + ") < 0");
        }
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates(" + candidates + ") < 1");
        }
    }

    /** gridTaus values from tauMin to 1, evenly spaced; the last is exactly 1. */
    public double[] taus() {
        double[] t = new double[gridTaus];
        for (int i = 0; i < gridTaus; i++) {
            t[i] = i == gridTaus - 1 ? 1.0 : tauMin + (1 - tauMin) * i / (gridTaus - 1);
        }
        return t;
    }

    /** gridDeltas values from deltaMin to deltaMax, evenly spaced in log; the ends are exact. */
    public double[] deltas() {
        double[] d = new double[gridDeltas];
        double lo = Math.log(deltaMin);
        double hi = Math.log(deltaMax);
        for (int i = 0; i < gridDeltas; i++) {
            d[i] = i == 0 ? deltaMin : i == gridDeltas - 1 ? deltaMax : Math.exp(lo + (hi - lo) * i / (gridDeltas - 1));
        }
        return d;
    }

    /** (tau, Delta) -> the unit square. */
    public double[] normalize(double tau, double delta) {
        double x0 = (tau - tauMin) / (1 - tauMin);
        double x1 = (Math.log(delta) - Math.log(deltaMin)) / (Math.log(deltaMax) - Math.log(deltaMin));
        return new double[] {Math.max(0, Math.min(1, x0)), Math.max(0, Math.min(1, x1))};
    }

    /** The unit square -> tau. */
    public double tau(double[] x) {
        return x[0] >= 1 ? 1.0 : tauMin + (1 - tauMin) * x[0];
    }

    /** The unit square -> Delta. */
    public double delta(double[] x) {
        if (x[1] <= 0) {
            return deltaMin;
        }
        if (x[1] >= 1) {
            return deltaMax;
        }
        return Math.exp(Math.log(deltaMin) + (Math.log(deltaMax) - Math.log(deltaMin)) * x[1]);
    }
}
