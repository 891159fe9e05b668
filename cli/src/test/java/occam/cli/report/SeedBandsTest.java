package occam.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeedBandsTest {

    @Test
    void meanAndStandardErrorPerStepWorkedByHand() {
        // step 1: 2, 4, 6 -> mean 4, sd 2, se 2/sqrt(3); step 2: 10, 20 (third run stopped early) -> mean 15,
        // sd 7.0711, se 5; step 3: only NaN and 8 -> mean 8, n 1, se 0.
        List<SeedBands.Series> runs = List.of(
                new SeedBands.Series(new double[] {1, 2, 3}, new double[] {2, 10, Double.NaN}),
                new SeedBands.Series(new double[] {1, 2, 3}, new double[] {4, 20, 8}),
                new SeedBands.Series(new double[] {1}, new double[] {6}));
        SeedBands b = SeedBands.of("add", "ours", runs, s -> s);
        assertArrayEquals(new double[] {1, 2, 3}, b.x());
        assertArrayEquals(new double[] {4, 15, 8}, b.mean(), 1e-12);
        assertArrayEquals(new double[] {2 / Math.sqrt(3), 5, 0}, b.standardError(), 1e-12);
        assertArrayEquals(new int[] {3, 2, 1}, b.n());
        assertEquals("ours (n = 3)", b.label());
        assertArrayEquals(new double[] {4 - 2 / Math.sqrt(3), 10, 8}, b.lower(), 1e-12);
    }
}
