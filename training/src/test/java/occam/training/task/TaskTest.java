package occam.training.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TaskTest {

    @Test
    void operationsModuloSeven() {
        // worked by hand, p = 7
        assertEquals(2, Task.ADD.apply(5, 4, 7)); // 9 mod 7
        assertEquals(5, Task.SUB.apply(2, 4, 7)); // -2 mod 7
        assertEquals(6, Task.MUL.apply(5, 4, 7)); // 20 mod 7
        assertEquals(4, Task.DIV.apply(5, 3, 7)); // 3^-1 = 5 (3 x 5 = 15 = 1 mod 7); 5 x 5 = 25 = 4
        assertEquals(6, Task.X2Y2.apply(3, 5, 7)); // 9 + 25 = 34 = 6
        assertEquals(0, Task.X2XYY2.apply(3, 5, 7)); // 9 + 15 + 25 = 49 = 0
    }

    @Test
    void divisionInvertsMultiplication() {
        int p = 13;
        for (int a = 0; a < p; a++) {
            for (int b = 1; b < p; b++) {
                assertEquals(a, Task.MUL.apply(Task.DIV.apply(a, b, p), b, p), a + " / " + b);
            }
        }
        assertFalse(Task.DIV.accepts(0));
        assertTrue(Task.SUB.accepts(0));
    }

    @Test
    void defaultsOfThePaper() {
        assertEquals(0.2, Task.ADD.defaultTrainFraction());
        assertEquals(0.3, Task.SUB.defaultTrainFraction());
        assertEquals(0.2, Task.MUL.defaultTrainFraction());
        assertEquals(0.3, Task.DIV.defaultTrainFraction());
        assertEquals(1, Task.ADD.defaultLayers());
        assertEquals(2, Task.DIV.defaultLayers());
        assertEquals(1e-2, Task.MUL.defaultNoiseStd());
        assertEquals(1e-3, Task.SUB.defaultNoiseStd());
        assertEquals(Task.X2XYY2, Task.fromId("x2xyy2"));
        assertThrows(IllegalArgumentException.class, () -> Task.fromId("pow"));
    }
}
