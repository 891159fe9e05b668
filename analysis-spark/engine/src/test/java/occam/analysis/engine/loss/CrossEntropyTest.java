package occam.analysis.engine.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CrossEntropyTest {

    @Test
    void lossBitsAndAccuracyByHand() {
        // logits (0, ln 3): p = 1/4, 3/4. Label 1: -ln 3/4 = 0.2876821; label 0: -ln 1/4 = 1.3862944.
        // Mean 0.8369882 nats; bits (0.2876821 + 1.3862944) / ln 2 = 2.4150375; the arg-max (1) is right once.
        float ln3 = (float) Math.log(3);
        float[][] logits = {{0, ln3, 99}, {0, ln3, 99}}; // the third column lies outside the vocabulary
        LossResult r = CrossEntropy.of(logits, 2, new int[] {1, 0}, 1e-9);
        assertEquals(2, r.examples());
        assertEquals(0.8369882, r.meanLossNats(), 1e-6);
        assertEquals(2.4150375, r.dataBits(), 1e-6);
        assertEquals(1, r.correct());
    }

    @Test
    void clipsAndBreaksTiesToTheFirst() {
        // p(label 0) = e^-50 / (1 + e^-50) < 0.01 -> clipped to 0.01: -ln 0.01 = 4.6051702; p(label 1) = 1 - e^-50 -> 0.99
        float[][] logits = {{0, 50}, {0, 50}, {3, 3}};
        LossResult r = CrossEntropy.of(logits, 2, new int[] {0, 1, 0}, 0.01);
        assertEquals((4.6051702 - Math.log(0.99) + Math.log(2)) / 3, r.meanLossNats(), 1e-6);
        assertEquals(0, CrossEntropy.argMax(logits[2], 2));
        assertEquals(2, r.correct());
    }
}
