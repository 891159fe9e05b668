package occam.analysis.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RotationSortTest {

    @Test
    void aWordByHand() {
        // "banana": rotations abanan(5) anaban(3) ananab(1) banana(0) nabana(4) nanaba(2)
        assertArrayEquals(new int[] {5, 3, 1, 0, 4, 2}, RotationSort.order(bytes("banana"), 6));
        // only the first n bytes count
        assertArrayEquals(new int[] {1, 0}, RotationSort.order(bytes("ba!!!"), 2));
        assertArrayEquals(new int[] {0}, RotationSort.order(bytes("x"), 1));
    }

    @Test
    void bytesCompareUnsigned() {
        byte[] b = {(byte) 0x80, 0x7f, (byte) 0xff, 0x00};
        assertArrayEquals(new int[] {3, 1, 0, 2}, RotationSort.order(b, 4));
    }

    @Test
    void rotationsAreNotSuffixes() {
        // as suffixes "ab" < "abab..."; as rotations the wrap decides: "abaab" rotations
        byte[] b = bytes("abaab");
        int[] order = RotationSort.order(b, 5);
        assertSorted(b, 5, order);
        assertArrayEquals(new int[] {2, 0, 3, 1, 4}, order);
    }

    @Test
    void leastRotation() {
        assertEquals(2, RotationSort.leastRotation(bytes("cbab"), 4));
        assertEquals(0, RotationSort.leastRotation(bytes("aaaa"), 4));
        assertEquals(3, RotationSort.leastRotation(bytes("bbba"), 4));
    }

    @Test
    void matchesANaiveSortOnRandomAndPeriodicBlocks() {
        Random random = new Random(11);
        for (int t = 0; t < 20_000; t++) {
            int n = 1 + random.nextInt(t < 10_000 ? 12 : 300);
            int alphabet = 1 + random.nextInt(t % 3 == 0 ? 3 : 256);
            byte[] b = new byte[n + random.nextInt(3)];
            int period = t % 4 == 0 ? 1 + random.nextInt(n) : n; // every fourth a power of a shorter word
            for (int i = 0; i < n; i++) {
                b[i] = i < period ? (byte) random.nextInt(alphabet) : b[i - period];
            }
            assertSorted(b, n, RotationSort.order(b, n));
        }
    }

    @Test
    void sortsAQuantizedFloatBlock() {
        // what bzip2 sees in practice: float32 multiples of a step, many zeros, long equal stretches
        byte[] b = FloatBlocks.quantized(new Random(5), 60_000, 0.0125f, 3);
        assertSorted(b, b.length, RotationSort.order(b, b.length));
    }

    @Test
    void reusesItsWorkArraysAcrossBlockSizes() {
        // one thread's arrays serve every block: a large one, smaller ones with more and fewer values, again large
        Random random = new Random(7);
        byte[] large = FloatBlocks.quantized(random, 30_000, 0.05f, 2);
        int[] first = RotationSort.order(large, large.length);
        assertSorted(large, large.length, first);
        for (int t = 0; t < 200; t++) {
            int n = 1 + random.nextInt(t % 2 == 0 ? 50 : 5_000);
            byte[] b = new byte[n];
            int alphabet = 1 + random.nextInt(t % 3 == 0 ? 2 : 256);
            for (int i = 0; i < n; i++) {
                b[i] = (byte) random.nextInt(alphabet);
            }
            assertSorted(b, n, RotationSort.order(b, n));
        }
        byte[] dense = FloatBlocks.dense(random, 40_000, 0.1);
        assertSorted(dense, dense.length, RotationSort.order(dense, dense.length));
        assertArrayEquals(first, RotationSort.order(large, large.length));
    }

    @Test
    void sortsOnSeveralThreadsAtOnce() throws Exception {
        byte[][] blocks = new byte[6][];
        int[][] expected = new int[blocks.length][];
        for (int b = 0; b < blocks.length; b++) {
            Random random = new Random(100 + b);
            blocks[b] = b % 2 == 0 ? FloatBlocks.quantized(random, 5_000 + 3_000 * b, 0.02f, 3)
                    : FloatBlocks.dense(random, 2_000 + 1_000 * b, 0.1);
            expected[b] = RotationSort.order(blocks[b], blocks[b].length);
            assertSorted(blocks[b], blocks[b].length, expected[b]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int task = 0; task < 4; task++) {
                int offset = task;
                results.add(pool.submit(() -> {
                    boolean same = true;
                    for (int r = 0; r < 30; r++) {
                        int b = (offset + r) % blocks.length;
                        same &= Arrays.equals(expected[b], RotationSort.order(blocks[b], blocks[b].length));
                    }
                    return same;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void refusesAnEmptyOrOverlongBlock() {
        assertThrows(IllegalArgumentException.class, () -> RotationSort.order(new byte[3], 0));
        assertThrows(IllegalArgumentException.class, () -> RotationSort.order(new byte[3], 4));
    }

    /** A permutation of [0, n) with each rotation no larger than the next. */
    private static void assertSorted(byte[] b, int n, int[] order) {
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            assertTrue(!seen[order[i]], "rotation " + order[i] + " twice");
            seen[order[i]] = true;
        }
        for (int i = 0; i + 1 < n; i++) {
            int a = order[i];
            int c = order[i + 1];
            assertTrue(compareRotations(b, n, a, c) <= 0,
                    () -> "rotations " + a + " and " + c + " out of order in " + Arrays.toString(Arrays.copyOf(b, Math.min(n, 40))));
        }
    }

    private static int compareRotations(byte[] b, int n, int i, int j) {
        for (int k = 0; k < n; k++) {
            int x = b[(i + k) % n] & 0xff;
            int y = b[(j + k) % n] & 0xff;
            if (x != y) {
                return x - y;
            }
        }
        return 0;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
