package occam.analysis.engine.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FiguresTest {

    @Test
    void spectralEntropyByHand() {
        // p = (1/2, 1/4, 1/4): H = 1/2 ln 2 + 2 x 1/4 ln 4 = 1.5 ln 2; effective rank 2^1.5
        SpectralSummary s = SpectralSummary.of(new double[] {2, 1, 1});
        assertEquals(1.5 * Math.log(2), s.entropyNats(), 1e-15);
        assertEquals(Math.pow(2, 1.5), s.effectiveRank(), 1e-12);
        assertEquals(2, s.largest());
        assertEquals(4, s.sum());
        // all equal: H = ln r, effective rank r; one non-zero: H = 0, rank 1
        assertEquals(5, SpectralSummary.of(new double[] {3, 3, 3, 3, 3}).effectiveRank(), 1e-12);
        assertEquals(1, SpectralSummary.of(new double[] {7, 0, 0}).effectiveRank(), 0);
        assertEquals(1, SpectralSummary.of(new double[] {0, 0}).effectiveRank(), 0);
    }

    @Test
    void generalizationBoundByHand() {
        // K = 8000 bits, n = 2554, R_hat = 0: (8000 ln 2 + 2 ln 8000 + ln 20) / 5108 = 1.089702..., sqrt = 1.043888...
        double expected = Math.sqrt((8000 * Math.log(2) + 2 * Math.log(8000) + Math.log(20)) / 5108);
        assertEquals(expected, GeneralizationBound.of(0, 8000, 2554, 0.05), 1e-15);
        assertEquals(1.0439, expected, 1e-4);
        assertEquals(0.25 + expected, GeneralizationBound.of(0.25, 8000, 2554, 0.05), 1e-15);
        assertTrue(GeneralizationBound.of(0, 100, 100_000, 0.05) < 1, "small models on much data are not vacuous");
    }

    @Test
    void rateDistortionFitByHand() {
        // bytes = -2 ln(eps) + 10 exactly at eps = 1, e, e^2
        RateDistortionFit f = RateDistortionFit.fit(new double[] {1, Math.E, Math.E * Math.E}, new double[] {10, 8, 6});
        assertEquals(-2, f.slopeA(), 1e-12);
        assertEquals(10, f.interceptB(), 1e-12);
        assertEquals(1, f.rSquared(), 1e-12);
        assertEquals(3, f.points());
        // x = ln eps = (0, 1, 2), y = (1, 3, 2): a = 0.5, b = 1.5, residuals (-0.5, 1, -0.5): R^2 = 1 - 1.5/2 = 0.25
        RateDistortionFit g = RateDistortionFit.fit(new double[] {1, Math.E, Math.E * Math.E}, new double[] {1, 3, 2});
        assertEquals(0.5, g.slopeA(), 1e-12);
        assertEquals(1.5, g.interceptB(), 1e-12);
        assertEquals(0.25, g.rSquared(), 1e-12);
        assertTrue(Double.isNaN(RateDistortionFit.fit(new double[] {1, 2}, new double[] {5, 5}).rSquared()), "equal sizes");
        assertEquals(0, RateDistortionFit.fit(new double[] {1, 2}, new double[] {5, 5}).slopeA(), 0);
        RateDistortionFit none = RateDistortionFit.fit(new double[0], new double[0]);
        assertEquals(0, none.points());
        assertTrue(Double.isNaN(none.slopeA()) && Double.isNaN(none.interceptB()) && Double.isNaN(none.rSquared()), "no point, no fit");
    }
}
