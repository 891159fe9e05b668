package occam.analysis.engine.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ExpTest {

    @Test
    void withinTwoUlpsOfStrictMathOverTheWholeNegativeRange() {
        Random random = new Random(5);
        for (int i = 0; i < 2_000_000; i++) {
            // uniform over [-750, 0], and densely near 0 where the loss's terms live
            double x = i % 2 == 0 ? -750 * random.nextDouble() : -Math.scalb(random.nextDouble(), -random.nextInt(60));
            double expected = StrictMath.exp(x);
            double actual = Exp.negative(x);
            long ulps = Math.abs(Double.doubleToLongBits(expected) - Double.doubleToLongBits(actual));
            assertTrue(ulps <= 2, "exp(" + x + "): " + actual + " against " + expected);
        }
    }

    @Test
    void edges() {
        assertEquals(1.0, Exp.negative(0.0));
        assertEquals(1.0, Exp.negative(-0.0));
        assertEquals(0.0, Exp.negative(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, Exp.negative(-746));
        assertEquals(StrictMath.exp(-745), Exp.negative(-745)); // the smallest subnormal
        assertEquals(StrictMath.exp(-1), Exp.negative(-1), Math.ulp(StrictMath.exp(-1)));
        assertTrue(Double.isNaN(Exp.negative(Double.NaN)));
    }
}
