package occam.analysis.engine.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Minimizes a function on the unit square by expected improvement under a {@link GaussianProcess}.
 *
 * <p>Each {@link #suggest} refits the process on every observation, scores a fixed-size candidate set by
 * expected improvement over the best observation (exploration margin xi = 0.01 in standardized units) and returns
 * the best candidate the caller accepts. Candidates are {@code candidates} uniform points plus as many again
 * scattered (sd 0.05) around the four best observations, drawn from a {@link SplittableRandom} seeded by the
 * caller: the same seed and observations give the same suggestions.
 */
public final class BayesianOptimizer {

    public static final int DEFAULT_CANDIDATES = 512;
    private static final double XI = 0.01;
    private static final double LOCAL_SD = 0.05;
    private static final int LOCAL_CENTRES = 4;
    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private final SplittableRandom random;
    private final int candidates;
    private final List<double[]> xs = new ArrayList<>();
    private final List<Double> ys = new ArrayList<>();

    public BayesianOptimizer(long seed, int candidates) {
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates(" + candidates + ") < 1");
        }
        this.random = new SplittableRandom(seed);
        this.candidates = candidates;
    }

    /** Records f(x) = y for x in [0, 1]^2. */
    public void observe(double[] x, double y) {
        if (x.length != 2 || !(x[0] >= 0 && x[0] <= 1 && x[1] >= 0 && x[1] <= 1)) {
            throw new IllegalArgumentException("point " + java.util.Arrays.toString(x) + " is not in the unit square");
        }
        if (!Double.isFinite(y)) {
            throw new IllegalArgumentException("f" + java.util.Arrays.toString(x) + " = " + y + " is not finite");
        }
        xs.add(x.clone());
        ys.add(y);
    }

    public int observations() {
        return ys.size();
    }

    /** The candidate with the highest expected improvement; needs at least one observation. */
    public double[] suggest() {
        return suggest(p -> true);
    }

    /**
     * The candidate with the highest expected improvement among those {@code acceptable} (e.g. not a model seen
     * already); null when no candidate is acceptable.
     */
    public double[] suggest(Predicate<double[]> acceptable) {
        if (ys.isEmpty()) {
            throw new IllegalStateException("suggest() needs at least one observation");
        }
        double[][] x = xs.toArray(new double[0][]);
        double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
        GaussianProcess gp = GaussianProcess.fit(x, y);
        double best = Double.POSITIVE_INFINITY;
        for (double v : y) {
            best = Math.min(best, v);
        }
        double scale = spread(y);
        List<Scored> scored = new ArrayList<>();
        for (double[] c : candidates(x, y)) {
            double[] ms = gp.predict(c);
            scored.add(new Scored(c, expectedImprovement(best, ms[0], ms[1], XI * scale), scored.size()));
        }
        scored.sort(Comparator.comparingDouble((Scored s) -> -s.ei).thenComparingInt(s -> s.order));
        for (Scored s : scored) {
            if (acceptable.test(s.point)) {
                return s.point;
            }
        }
        return null;
    }

    /** EI for minimization: E[max(best - f - xi, 0)] with f ~ N(mean, sd^2). */
    static double expectedImprovement(double best, double mean, double sd, double xi) {
        double gain = best - mean - xi;
        if (sd < 1e-12) {
            return Math.max(gain, 0);
        }
        double z = gain / sd;
        return gain * NORMAL.cumulativeProbability(z) + sd * NORMAL.density(z);
    }

    private List<double[]> candidates(double[][] x, double[] y) {
        List<double[]> out = new ArrayList<>(2 * candidates);
        for (int i = 0; i < candidates; i++) {
            out.add(new double[] {random.nextDouble(), random.nextDouble()});
        }
        Integer[] order = new Integer[y.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> y[i]).thenComparingInt(i -> i));
        int centres = Math.min(LOCAL_CENTRES, order.length);
        for (int i = 0; i < candidates; i++) {
            double[] c = x[order[i % centres]];
            out.add(new double[] {clamp(c[0] + LOCAL_SD * random.nextGaussian()), clamp(c[1] + LOCAL_SD * random.nextGaussian())});
        }
        return out;
    }

    private static double spread(double[] y) {
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= y.length;
        double var = 0;
        for (double v : y) {
            var += (v - mean) * (v - mean);
        }
        return y.length > 1 && var > 0 ? Math.sqrt(var / y.length) : 1;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private record Scored(double[] point, double ei, int order) {}
}
