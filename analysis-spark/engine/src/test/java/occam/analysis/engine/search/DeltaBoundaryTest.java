package occam.analysis.engine.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeltaBoundaryTest {

    private static final SearchPlan PLAN = new SearchPlan(List.of(1.0), 0, 9, 1e-3, 1, 6, 2, 1, 16, 0);

    /** Loss increase = Delta / scale: monotone, so the boundary for epsilon is Delta = epsilon x scale. */
    private record Linear(double lossIncrease) implements CoarseSearch.Measured {}

    @Test
    void bracketsTheBoundaryFromAGuessOnEitherSide() {
        for (double start : new double[] {0.002, 0.05, 0.9}) {
            List<Double> asked = new ArrayList<>();
            DeltaBoundary<Linear> b = new DeltaBoundary<>(PLAN, d -> {
                asked.add(d);
                return new Linear(d / 0.04);
            }, DeltaBoundary.width(PLAN));
            Integer j = b.largestValid(1.0, start);
            double found = b.delta(j);
            assertTrue(found <= 0.04, "valid: " + found);
            // within one bracket of the boundary: (deltaMax / deltaMin)^(1 / 128) = 1.055
            assertTrue(found * Math.pow(1000, 1.0 / 128) > 0.04 * 0.999, "start " + start + ": found " + found);
            assertEquals(asked.size(), b.measuredCount(), "each model measured once");
            int before = b.measuredCount();
            assertEquals(j, b.largestValid(1.0, start), "asked again: the same answer");
            assertEquals(before, b.measuredCount(), "and nothing measured again");
        }
    }

    @Test
    void theWholeRangeValidEndsAtDeltaMaxAndNoneValidIsNull() {
        DeltaBoundary<Linear> all = new DeltaBoundary<>(PLAN, d -> new Linear(0), DeltaBoundary.width(PLAN));
        assertEquals(1.0, all.delta(all.largestValid(1.0, 0.5)));
        DeltaBoundary<Linear> none = new DeltaBoundary<>(PLAN, d -> new Linear(5), DeltaBoundary.width(PLAN));
        assertNull(none.largestValid(1.0, 0.5));
    }

    @Test
    void onePastTheFirstFailureFindsTheValidDeltaBeyondASingleBump() {
        // valid below 0.04 except at the one Delta measured just above the start: bisection stops under it
        int width = DeltaBoundary.width(PLAN);
        int bump = SearchPlan.FINE / 2;
        double start = PLAN.delta(bump - width);
        for (boolean past : new boolean[] {false, true}) {
            DeltaBoundary<Linear> b = new DeltaBoundary<>(PLAN, d -> new Linear(d >= 0.04 || d == PLAN.delta(bump) ? 2 : 0.5), width);
            double found = b.delta(past ? b.largestValidPastOneFailure(1.0, start) : b.largestValid(1.0, start));
            if (past) {
                assertTrue(found <= 0.04 && found * Math.pow(1000, 1.0 / 128) > 0.04 * 0.999, "past the bump: " + found);
            } else {
                assertEquals(start, found, "stops below the bump");
            }
        }
        // two failures in a row: the boundary stays where bisection left it
        DeltaBoundary<Linear> wide = new DeltaBoundary<>(PLAN,
                d -> new Linear(d >= 0.04 || d == PLAN.delta(bump) || d == PLAN.delta(bump + width) ? 2 : 0.5), width);
        assertEquals(start, wide.delta(wide.largestValidPastOneFailure(1.0, start)));
    }

    @Test
    void laterEpsilonsReuseWhatIsMeasured() {
        DeltaBoundary<Linear> b = new DeltaBoundary<>(PLAN, d -> new Linear(d / 0.04), DeltaBoundary.width(PLAN));
        b.largestValid(1.0, 0.04);
        int first = b.measuredCount();
        Integer j = b.largestValid(0.5, 0.04);
        assertTrue(b.delta(j) <= 0.02 && b.delta(j) * Math.pow(1000, 1.0 / 128) > 0.02 * 0.999, "found " + b.delta(j));
        // a factor 2 below the first boundary: steps of 1, 2, 4, 8 brackets down, then at most 4 halvings
        assertTrue(b.measuredCount() - first <= 8, (b.measuredCount() - first) + " more models");
    }
}
