package occam.analysis.engine.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class BayesianOptimizerTest {

    /** Branin-Hoo on [0, 1]^2 (x1 in [-5, 10], x2 in [0, 15]): three global minima of 0.397887. */
    static double branin(double[] u) {
        double x1 = -5 + 15 * u[0];
        double x2 = 15 * u[1];
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        double a = x2 - b * x1 * x1 + c * x1 - 6;
        return a * a + 10 * (1 - t) * Math.cos(x1) + 10;
    }

    private static final double TARGET = 0.397887 + 0.1;
    private static final int BUDGET = 500;

    @Test
    void findsTheMinimumOfBraninInFewerEvaluationsThanRandomSearch() {
        int seeds = 6;
        double gp = 0;
        double random = 0;
        for (int s = 0; s < seeds; s++) {
            gp += evaluationsToTarget(BayesianOptimizerTest::branin, s, true);
            random += evaluationsToTarget(BayesianOptimizerTest::branin, s, false);
        }
        gp /= seeds;
        random /= seeds;
        // the region below 0.498 covers about 0.5 % of the square: random search needs ~200 draws on average
        assertTrue(gp < random / 2, "GP-EI " + gp + " vs random " + random + " evaluations on average");
    }

    @Test
    void sameSeedAndObservationsGiveTheSameSuggestion() {
        double[] a = twoSteps(42);
        double[] b = twoSteps(42);
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, twoSteps(43)));
    }

    @Test
    void expectedImprovementByHand() {
        // sd = 0: the plain improvement, floored at 0
        assertEquals(0.5, BayesianOptimizer.expectedImprovement(1.0, 0.5, 0, 0), 1e-15);
        assertEquals(0.0, BayesianOptimizer.expectedImprovement(1.0, 1.5, 0, 0), 1e-15);
        // mean = best, sd = 1: EI = phi(0) = 1/sqrt(2 pi) = 0.3989422804
        assertEquals(0.3989422804014327, BayesianOptimizer.expectedImprovement(0, 0, 1, 0), 1e-12);
    }

    private static double[] twoSteps(long seed) {
        BayesianOptimizer bo = new BayesianOptimizer(seed, 256);
        bo.observe(new double[] {0.2, 0.3}, 1.0);
        bo.observe(new double[] {0.8, 0.6}, 0.2);
        bo.observe(new double[] {0.5, 0.9}, 0.7);
        double[] x = bo.suggest();
        bo.observe(x, 0.1);
        return bo.suggest();
    }

    /** Evaluations (5 random starts included for the GP) until f <= TARGET; BUDGET + 1 if never. */
    private static int evaluationsToTarget(ToDoubleFunction<double[]> f, long seed, boolean useGp) {
        SplittableRandom random = new SplittableRandom(1000 + seed);
        BayesianOptimizer bo = new BayesianOptimizer(seed, 256);
        for (int i = 1; i <= BUDGET; i++) {
            double[] x = !useGp || i <= 5 ? new double[] {random.nextDouble(), random.nextDouble()} : bo.suggest();
            double y = f.applyAsDouble(x);
            if (y <= TARGET) {
                return i;
            }
            bo.observe(x, y);
        }
        return BUDGET + 1;
    }
}
