package occam.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchOrderTest {

    /** The Fisher-Yates shuffle the trainer used before its generator's state was saved. */
    private static int[] splittableShuffle(int[] ids, SplittableRandom random) {
        int[] out = ids.clone();
        for (int i = out.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    @Test
    void drawsWhatSplittableRandomDraws() {
        int[] ids = IntStream.range(0, 2553).toArray(); // add at p = 113: rejection happens for these bounds
        for (long seed : new long[] {0, 1, -7, 0x9e3779b97f4a7c15L}) {
            BatchOrder order = BatchOrder.seeded(seed);
            SplittableRandom random = new SplittableRandom(seed);
            for (int epoch = 0; epoch < 20; epoch++) {
                assertArrayEquals(splittableShuffle(ids, random), order.permutation(ids), "seed " + seed + " epoch " + epoch);
            }
            for (int bound : new int[] {1, 2, 3, 1 << 20, (1 << 30) + 1, Integer.MAX_VALUE}) {
                for (int k = 0; k < 200; k++) {
                    assertEquals(random.nextInt(bound), order.nextInt(bound), "bound " + bound);
                }
            }
        }
    }

    @Test
    void aRestoredStateContinuesTheSequence() {
        int[] ids = IntStream.range(0, 100).toArray();
        BatchOrder order = BatchOrder.seeded(5);
        order.permutation(ids);
        BatchOrder copy = BatchOrder.restored(order.state());
        for (int epoch = 0; epoch < 5; epoch++) {
            assertArrayEquals(order.permutation(ids), copy.permutation(ids));
        }
    }
}
