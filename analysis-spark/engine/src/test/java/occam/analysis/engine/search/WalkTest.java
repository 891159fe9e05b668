package occam.analysis.engine.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The walk on a made-up envelope: 64 rank configurations, each valid up to its own Delta (rising with the ranks, so
 * every one is on the envelope), whose boundary models' sizes form a valley at configuration 39 (a first-level grid
 * point) with a small rise at 38 and a deeper valley at 37, which no grid reaches.
 */
class WalkTest {

    private static final int CONFIGURATIONS = 64;

    record Key(int configuration, double delta) {}

    record Loss(double lossIncrease) implements CoarseSearch.Measured {}

    /** Configuration i keeps (i + 1) / 64 of the ranks; tau = 1 keeps all (configuration 63). */
    private static class Envelope implements CoarseSearch.Evaluator<Key, Loss> {

        @Override
        public Key key(double tau, double delta) {
            return new Key(Math.max(0, (int) Math.ceil(tau * CONFIGURATIONS) - 1), delta);
        }

        @Override
        public double[] configurationTaus(double tauMin) {
            double[] taus = new double[CONFIGURATIONS];
            for (int i = 0; i < CONFIGURATIONS; i++) {
                taus[i] = (i + 1) / (double) CONFIGURATIONS;
            }
            return taus;
        }

        /** The largest valid Delta at epsilon 1, inside [1e-3, 1] and rising with the configuration. */
        static double boundary(int configuration) {
            return Math.pow(10, -3 + 3.0 * (configuration + 1) / (CONFIGURATIONS + 1));
        }

        /** The size of configuration i's boundary model. */
        static double size(int configuration) {
            return switch (configuration) {
                case 38 -> 1020; // a rise of 2 % beside the valley at 39
                case 37 -> 900; // the deeper valley past it
                default -> 1000 + 300 * Math.abs(configuration - 39);
            };
        }

        @Override
        public Loss measure(Key key) {
            double r = key.delta() / boundary(key.configuration());
            return new Loss(r * r); // meets epsilon 1 exactly up to the boundary
        }

        @Override
        public long screeningBytes(Key key) {
            return compressedBytes(key);
        }

        @Override
        public long compressedBytes(Key key) {
            // a finer Delta costs more bytes, so each configuration's smallest valid model is at its boundary
            return Math.round(size(key.configuration()) * Math.pow(boundary(key.configuration()) / key.delta(), 0.1));
        }
    }

    private static SearchPlan plan(int levels) {
        // no refinement step: only the grids and the walk move the best
        return new SearchPlan(List.of(1.0), 0.0, 9, 1e-3, 1.0, 6, levels, 0, 64, 0L);
    }

    @Test
    void theWalkStepsOverOneSmallRiseToTheDeeperValley() {
        SearchResult<Key, Loss> oneLevel = CoarseSearch.run(plan(1), new Envelope(), e -> 0L, 1);
        assertEquals(39, oneLevel.choices().get(0).best().key().configuration(), "the grid's best, before any walk");
        SearchResult<Key, Loss> twoLevels = CoarseSearch.run(plan(2), new Envelope(), e -> 0L, 1);
        SearchResult.Point<Key, Loss> best = twoLevels.choices().get(0).best();
        assertEquals(37, best.key().configuration(), "past the rise at 38 (within 5 % of the best), the valley at 37");
        assertEquals(CoarseSearch.WALK, best.phase());
    }

    @Test
    void aRiseOfMoreThanFivePercentEndsTheWalk() {
        // the same envelope with the rise at 38 made 6 %: the walk stops there and 39 stays the best
        CoarseSearch.Evaluator<Key, Loss> steeper = new Envelope() {
            @Override
            public long compressedBytes(Key key) {
                long bytes = super.compressedBytes(key);
                return key.configuration() == 38 ? Math.round(bytes * 1060.0 / 1020) : bytes;
            }
        };
        SearchResult<Key, Loss> result = CoarseSearch.run(plan(2), steeper, e -> 0L, 1);
        assertEquals(39, result.choices().get(0).best().key().configuration());
    }
}
