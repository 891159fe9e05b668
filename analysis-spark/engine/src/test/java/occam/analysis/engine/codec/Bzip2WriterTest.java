package occam.analysis.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Bzip2Writer against Commons Compress 1.28.0 itself: the same bytes for every input whose blocks are not
 * periodic, and for periodic ones (where equal rotations may sort either way) the same length, the same bytes
 * but for origPtr, and a stream Commons decodes.
 */
class Bzip2WriterTest {

    /** A run starts a new block once the block holds more than LIMIT bytes (RLE1 bytes: input bytes, without runs). */
    private static final int LIMIT = Bzip2Writer.BLOCK_FILL_LIMIT;

    @Test
    void emptyInputIsHeaderAndEndOfStream() {
        byte[] out = assertSameAsCommons(new byte[0]);
        // "BZh9", the end-of-stream magic, combined CRC 0
        assertArrayEquals(new byte[] {'B', 'Z', 'h', '9', 0x17, 0x72, 0x45, 0x38, 0x50, (byte) 0x90, 0, 0, 0, 0}, out);
    }

    @Test
    void oneByteAndShortText() {
        assertSameAsCommons(new byte[] {42});
        assertSameAsCommons(new byte[] {(byte) 0xFF});
        assertSameAsCommons(ascii("banana"));
        assertSameAsCommons(ascii("The quick brown fox jumps over the lazy dog; the lazy dog sleeps. 0123456789!"));
    }

    @Test
    void runsOfEveryLengthUpTo300() {
        // RLE1 codes 4..255 equal bytes as 4 bytes and a count; longer runs restart after 255. Bracketed by two
        // bytes seen once, so that no block is periodic.
        for (int len = 1; len <= 300; len++) {
            for (byte c : new byte[] {'a', 0, (byte) 0xFF}) {
                byte[] data = new byte[len + 2];
                Arrays.fill(data, c);
                data[0] = '<';
                data[len + 1] = '>';
                assertSameAsCommons(data);
            }
        }
        // all of them in one block, alternating two bytes
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write('<');
        for (int len = 1; len <= 300; len++) {
            for (int i = 0; i < len; i++) {
                all.write(len % 2 == 0 ? 'x' : 'y');
            }
        }
        assertSameAsCommons(all.toByteArray());
    }

    @Test
    void blockBoundaryAtEveryPhaseOfARun() {
        // A block takes a whole run while it holds at most LIMIT bytes. P run-free bytes, a run of R zeros, more
        // run-free bytes: {P, R, the first block's length - LIMIT}
        int[][] cases = {
            {LIMIT + 1, 600, 1}, // the boundary just before the run
            {LIMIT - 4, 4, 1}, // the run's 5 bytes end the block at the earliest length
            {LIMIT - 1, 3, 2},
            {LIMIT, 3, 3},
            {LIMIT - 1, 4, 4},
            {LIMIT, 4, 5}, // a run of 4 joins a block at the limit: the longest block
            {LIMIT - 2, 600, 3}, // 255 of the 600 in the first block, 345 in the second
            {LIMIT, 256, 5}, // 255 in the first block, 1 in the second
        };
        Random random = new Random(101);
        byte[] prefix = runFree(random, LIMIT + 1, 1, 255);
        byte[] tail = runFree(random, 1000, 1, 255);
        for (int[] c : cases) {
            int p = c[0];
            int r = c[1];
            byte[] data = new byte[p + r + tail.length];
            // the run is of zeros, as allocated: the run-free bytes are in [1, 255)
            System.arraycopy(prefix, 0, data, 0, p);
            System.arraycopy(tail, 0, data, p + r, tail.length);
            assertEquals(LIMIT + c[2], firstBlockLength(data), "the case's premise");
            assertEquals(2, blockCount(assertSameAsCommons(data)));
        }
    }

    @Test
    void inputJustBelowAtAndAboveTheBlockLimit() {
        // without runs the first block holds LIMIT + 1 bytes; one more starts a second block of 1 byte
        Random random = new Random(102);
        byte[] bytes = runFree(random, LIMIT + 2, 0, 256);
        for (int n : new int[] {LIMIT, LIMIT + 1, LIMIT + 2}) {
            byte[] data = Arrays.copyOf(bytes, n);
            assertEquals(n <= LIMIT + 1 ? 1 : 2, blockCount(assertSameAsCommons(data)));
        }
    }

    @Test
    void multiBlockText() {
        // 2.5 MB of words: three blocks, runs of spaces and letters here and there
        Random random = new Random(103);
        String[] words = {"the", "model", "of", "a", "layer", "weights", "  ", "zzzz", "gradient", "\n", "step",
            "0.0125"};
        StringBuilder text = new StringBuilder();
        while (text.length() < 2_500_000) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(20) == 0 ? "!!!!!!" : " ");
        }
        byte[] data = ascii(text.toString());
        byte[] out = assertSameAsCommons(data);
        assertEquals(3, blockCount(out));
    }

    @Test
    void randomBytesUseAll256Values() {
        byte[] data = new byte[300_000];
        new Random(104).nextBytes(data);
        assertSameAsCommons(data);
    }

    @Test
    void fewSymbolsInUse() {
        Random random = new Random(105);
        // two and three byte values with runs under 4: the alphabet is just those values
        for (int alphabet : new int[] {2, 3}) {
            byte[] data = new byte[200_000];
            int run = 0;
            for (int i = 0; i < data.length; i++) {
                byte c = (byte) ('a' + random.nextInt(alphabet));
                run = i > 0 && data[i - 1] == c ? run + 1 : 1;
                if (run == 4) {
                    c = (byte) ('a' + (c - 'a' + 1) % alphabet);
                    run = 1;
                }
                data[i] = c;
            }
            data[0] = 'z'; // once: no period
            assertSameAsCommons(data);
        }
        // the same with free runs (the counts join the alphabet)
        for (int alphabet : new int[] {2, 3}) {
            byte[] data = new byte[200_000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ('a' + random.nextInt(alphabet));
            }
            data[0] = 'z';
            assertSameAsCommons(data);
        }
    }

    @Test
    void everyNumberOfHuffmanTables() {
        // 2 to 6 tables by the number of move-to-front symbols: < 200, < 600, < 1200, < 2400, more. Random bytes
        // give about one symbol a byte; lengths around each threshold
        Random random = new Random(106);
        TreeSet<Integer> seen = new TreeSet<>();
        for (int center : new int[] {100, 200, 600, 1200, 2400, 5000}) {
            for (int n = center - 12; n <= center + 12; n++) {
                byte[] data = runFree(random, n, 0, 255);
                data[0] = (byte) 0xFF; // once: no period
                byte[] out = assertSameAsCommons(data);
                seen.add(firstBlockTables(out));
            }
        }
        assertEquals(new TreeSet<>(Arrays.asList(2, 3, 4, 5, 6)), seen);
    }

    @Test
    void smallRandomInputsOfManyShapes() {
        Random random = new Random(107);
        for (int t = 0; t < 400; t++) {
            int n = random.nextInt(t < 200 ? 40 : 6000);
            int alphabet = 1 + random.nextInt(t % 3 == 0 ? 3 : 200);
            int runChance = random.nextInt(4);
            byte[] data = new byte[n + 1];
            data[0] = (byte) 0xFE; // seen once, and never a run count (at most 251): no block is periodic
            for (int i = 1; i <= n; i++) {
                boolean repeat = i > 1 && random.nextInt(8) < runChance;
                data[i] = repeat ? data[i - 1] : (byte) random.nextInt(alphabet);
            }
            assertSameAsCommons(data);
        }
    }

    @Test
    void codeLengthsAreLimitedTo20Bits() {
        // Fibonacci frequencies build the deepest tree: 30 symbols would need codes of 29 bits
        int alpha = 30;
        int[] freq = fibonacci(alpha);
        byte[] len = new byte[alpha];
        Bzip2Writer.CodeLengths huffman = new Bzip2Writer.CodeLengths();
        assertTrue(huffman.build(len, freq, alpha) > 0);
        double kraft = 0;
        for (byte l : len) {
            assertTrue(l >= 1 && l <= 20, "length " + l);
            kraft += Math.pow(2, -l);
        }
        assertEquals(1.0, kraft, 1e-12);
        // unlimited, and with equal weights: all lengths equal
        Arrays.fill(freq, 0, 8, 5);
        assertEquals(0, huffman.build(len, freq, 8));
        assertArrayEquals(new byte[] {3, 3, 3, 3, 3, 3, 3, 3}, Arrays.copyOf(len, 8));
    }

    @Test
    void codeLengthsMatchCommonsTieForTieAndWhenLimited() throws ReflectiveOperationException {
        // No input tried pushed a code past 20 bits (the six tables and the transform's other contexts flatten
        // the frequencies), so the halving is checked against Commons' own hbMakeCodeLengths (private, reached
        // by reflection), on frequencies with many ties and on deep ones (at most 832,039 symbols: a block's).
        Class<?> dataClass = Class.forName(BZip2CompressorOutputStream.class.getName() + "$Data");
        Constructor<?> newData = dataClass.getDeclaredConstructor(int.class);
        newData.setAccessible(true);
        Object scratch = newData.newInstance(1);
        Method commons = BZip2CompressorOutputStream.class.getDeclaredMethod("hbMakeCodeLengths", byte[].class,
                int[].class, dataClass, int.class, int.class);
        commons.setAccessible(true);
        Bzip2Writer.CodeLengths huffman = new Bzip2Writer.CodeLengths();
        Random random = new Random(108);
        int limited = 0;
        for (int t = 0; t < 3000; t++) {
            int shape = t % 4;
            int[] freq;
            if (shape < 3) {
                freq = new int[3 + random.nextInt(256)];
                for (int v = 0; v < freq.length; v++) {
                    freq[v] = shape == 0 ? random.nextInt(4) // ties and zeros
                            : shape == 1 ? (random.nextInt(3) == 0 ? 0 : random.nextInt(3000))
                            : random.nextInt(5) == 0 ? 0 : 1 + (int) Math.pow(1.6, random.nextInt(18));
                }
            } else {
                // a Fibonacci chain of 22 to 28 links, shuffled: codes of 21 to 27 bits unless limited (another
                // symbol, even unused, would make ties that the depth in each weight breaks toward a flatter tree)
                freq = fibonacci(22 + random.nextInt(7));
                for (int v = freq.length - 1; v > 0; v--) {
                    int u = random.nextInt(v + 1);
                    int swap = freq[v];
                    freq[v] = freq[u];
                    freq[u] = swap;
                }
            }
            int alpha = freq.length;
            byte[] expected = new byte[alpha];
            commons.invoke(null, expected, freq, scratch, alpha, 20); // what Commons asks for
            byte[] actual = new byte[alpha];
            if (huffman.build(actual, freq, alpha) > 0) {
                limited++;
            }
            assertArrayEquals(expected, actual, () -> "frequencies " + Arrays.toString(freq));
        }
        assertTrue(limited >= 700, limited + " of 3000 limited");
    }

    @Test
    void quantizedFloat32Model() {
        // little-endian float32 multiples k x delta of small integers, most of them 0: what a coarse model is
        assertSameAsCommons(FloatBlocks.quantized(new Random(109), 262_144, 0.0125f, 4));
    }

    @Test
    void mixedQuantizedAndDenseFloat32Model() {
        // quantized layers, some ending in zeros, and dense gaussian ones (random low mantissa bytes)
        Random random = new Random(110);
        ByteBuffer buf = ByteBuffer.allocate(4 * 262_144).order(ByteOrder.LITTLE_ENDIAN);
        for (int layer = 0; buf.hasRemaining(); layer++) {
            int size = Math.min(buf.remaining() / 4, 10_000 + random.nextInt(40_000));
            float delta = 0.001f * (1 + random.nextInt(50));
            for (int i = 0; i < size; i++) {
                if (layer % 3 == 2) {
                    buf.putFloat((float) (random.nextGaussian() * 0.05));
                } else if (layer % 3 == 1 && i > size - 2000) {
                    buf.putFloat(0f);
                } else {
                    int k = random.nextInt(10) < 5 ? 0 : (int) Math.round(random.nextGaussian() * 3);
                    buf.putFloat(k * delta);
                }
            }
        }
        assertSameAsCommons(buf.array());
    }

    @Test
    void theProductsRotationSortGivesCommonsBytes() {
        // Bzip2 as the codecs call it (RotationSort, not the reference sort): the stream and the counted size
        Random random = new Random(111);
        ByteBuffer buf = ByteBuffer.allocate(4 * 300_000);
        buf.put(FloatBlocks.dense(random, 100_000, 0.05)).put(FloatBlocks.quantized(random, 200_000, 0.0125f, 3));
        byte[] data = buf.array();
        byte[] expected = commons(data);
        assertArrayEquals(expected, Bzip2.compress(data));
        assertEquals(expected.length, Bzip2.compressedSize(data));
        assertArrayEquals(data, Bzip2.decompress(expected));
    }

    @Test
    void periodicBlocksDifferAtMostInOrigPtr() {
        // equal rotations may sort either way, which moves the original rotation among them (origPtr, 24 bits)
        assertEquivalentToCommons(new byte[2]);
        assertEquivalentToCommons(new byte[255 * 4000]); // RLE1: 4 zeros and the count 251, over and over
        assertEquivalentToCommons(ascii("abababababababab"));
        byte[] abc = new byte[300_000];
        for (int i = 0; i < abc.length; i++) {
            abc[i] = (byte) ("abc".charAt(i % 3));
        }
        assertEquivalentToCommons(abc);
        byte[] word = new byte[500_000];
        byte[] unit = runFree(new Random(111), 1000, 0, 256);
        for (int i = 0; i < word.length; i++) {
            word[i] = unit[i % unit.length];
        }
        assertEquivalentToCommons(word);
    }

    @Test
    void callsInParallelGiveTheSameBytes() {
        Random random = new Random(112);
        byte[][] inputs = new byte[8][];
        byte[][] sequential = new byte[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = runFree(random, 20_000 + random.nextInt(40_000), 0, 4 + 30 * i);
            sequential[i] = Bzip2Writer.compress(inputs[i], Bzip2WriterTest::referenceOrder);
        }
        byte[][] parallel = IntStream.range(0, 4 * inputs.length).parallel()
                .mapToObj(k -> Bzip2Writer.compress(inputs[k % inputs.length], Bzip2WriterTest::referenceOrder))
                .toArray(byte[][]::new);
        for (int k = 0; k < parallel.length; k++) {
            assertArrayEquals(sequential[k % inputs.length], parallel[k], "call " + k);
        }
    }

    @Test
    void aSorterThatIsNotAPermutationIsRefused() {
        byte[] data = ascii("abcdef");
        // no rotation 0, too short, a start outside the block
        for (int[] order : new int[][] {{1, 2, 3, 4, 5, 5}, {0, 1, 2}, {0, 1, 2, 3, 4, 6}}) {
            assertThrows(IllegalStateException.class, () -> Bzip2Writer.compress(data, (b, n) -> order));
        }
    }

    @Test
    void theReferenceSortByHand() {
        assertArrayEquals(new int[] {5, 3, 1, 0, 4, 2}, Arrays.copyOf(referenceOrder(ascii("banana!!"), 6), 6));
        assertArrayEquals(new int[] {2, 0, 3, 1, 4}, referenceOrder(ascii("abaab"), 5));
        assertArrayEquals(new int[] {3, 1, 0, 2}, referenceOrder(new byte[] {(byte) 0x80, 0x7f, (byte) 0xff, 0}, 4));
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Identical bytes, the same counted size, and Commons decodes the input back. */
    private static byte[] assertSameAsCommons(byte[] data) {
        byte[] expected = commons(data);
        Recorded sorted = new Recorded();
        byte[] actual = Bzip2Writer.compress(data, sorted);
        if (!Arrays.equals(expected, actual)) {
            int i = Arrays.mismatch(expected, actual);
            throw new AssertionError("input of " + data.length + " bytes: " + actual.length + " bytes vs Commons' "
                    + expected.length + ", first difference at byte " + i);
        }
        assertEquals(actual.length, Bzip2Writer.compressedSize(data, sorted.replay()));
        assertArrayEquals(data, decompress(actual));
        return actual;
    }

    /** For periodic blocks: the same length, the same bytes but for a single block's origPtr, a round trip. */
    private static void assertEquivalentToCommons(byte[] data) {
        byte[] expected = commons(data);
        Recorded sorted = new Recorded();
        byte[] actual = Bzip2Writer.compress(data, sorted);
        assertEquals(expected.length, actual.length);
        assertEquals(actual.length, Bzip2Writer.compressedSize(data, sorted.replay()));
        assertEquals(1, blockCount(actual));
        assertArrayEquals(withoutOrigPtr(expected), withoutOrigPtr(actual));
        assertArrayEquals(data, decompress(actual));
    }

    /**
     * The reference sort, remembering its blocks and orders, so that {@link Bzip2Writer#compressedSize} can be
     * given the same orders without sorting again, after checking it asks about the same blocks.
     */
    private static final class Recorded implements Bzip2Writer.RotationSorter {
        private final List<byte[]> blocks = new ArrayList<>();
        private final List<int[]> orders = new ArrayList<>();

        @Override
        public int[] order(byte[] block, int n) {
            int[] order = referenceOrder(block, n);
            blocks.add(Arrays.copyOf(block, n));
            orders.add(order);
            return order;
        }

        Bzip2Writer.RotationSorter replay() {
            int[] next = {0};
            return (block, n) -> {
                int k = next[0]++;
                assertArrayEquals(blocks.get(k), Arrays.copyOf(block, n), "block " + k);
                return orders.get(k);
            };
        }
    }

    private static byte[] commons(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(out, 9)) {
            bz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] decompress(byte[] stream) {
        try (BZip2CompressorInputStream in = new BZip2CompressorInputStream(new ByteArrayInputStream(stream))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The reference rotation sort: prefix doubling over cyclic ranks. After round h the rotations are sorted by
     * their first 2^h bytes and each has the rank (class) of that prefix; a prefix of 2^(h+1) bytes is the pair
     * of classes (of i, of i + 2^h), sorted by counting sort on the second, then stably on the first. Stops when
     * all classes differ or the prefix covers the block.
     */
    static int[] referenceOrder(byte[] block, int n) {
        int[] order = new int[n];
        int[] cls = new int[n];
        int[] next = new int[n];
        int[] count = new int[Math.max(256, n)];
        for (int i = 0; i < n; i++) {
            count[block[i] & 0xff]++;
        }
        for (int c = 1; c < 256; c++) {
            count[c] += count[c - 1];
        }
        for (int i = n - 1; i >= 0; i--) {
            order[--count[block[i] & 0xff]] = i;
        }
        int classes = 1;
        for (int i = 1; i < n; i++) {
            if (block[order[i]] != block[order[i - 1]]) {
                classes++;
            }
            cls[order[i]] = classes - 1;
        }
        cls[order[0]] = 0;
        for (int half = 1; half < n && classes < n; half <<= 1) {
            // sorted by the second half: the rotations half before those in order
            int[] bySecond = next;
            for (int i = 0; i < n; i++) {
                int j = order[i] - half;
                bySecond[i] = j < 0 ? j + n : j;
            }
            Arrays.fill(count, 0, classes, 0);
            for (int i = 0; i < n; i++) {
                count[cls[i]]++;
            }
            for (int c = 1; c < classes; c++) {
                count[c] += count[c - 1];
            }
            for (int i = n - 1; i >= 0; i--) {
                order[--count[cls[bySecond[i]]]] = bySecond[i];
            }
            int[] newCls = bySecond; // no longer needed
            newCls[order[0]] = 0;
            classes = 1;
            for (int i = 1; i < n; i++) {
                int a = order[i];
                int b = order[i - 1];
                int a2 = a + half < n ? a + half : a + half - n;
                int b2 = b + half < n ? b + half : b + half - n;
                if (cls[a] != cls[b] || cls[a2] != cls[b2]) {
                    classes++;
                }
                newCls[a] = classes - 1;
            }
            next = cls;
            cls = newCls;
        }
        return order;
    }

    /**
     * The RLE1 length of the first block, by the rule the cases are built on: runs of up to 255 equal bytes, 1 to
     * 3 bytes for a run of 1 to 3, 5 for longer; a run starts a new block once the block holds over LIMIT bytes.
     */
    private static int firstBlockLength(byte[] data) {
        int n = 0;
        for (int i = 0; i < data.length && n <= LIMIT;) {
            int run = 1;
            while (run < 255 && i + run < data.length && data[i + run] == data[i]) {
                run++;
            }
            n += run < 4 ? run : 5;
            i += run;
        }
        return n;
    }

    /** 1, 1, 2, 3, 5, ... */
    private static int[] fibonacci(int n) {
        int[] f = new int[n];
        for (int i = 0; i < n; i++) {
            f[i] = i < 2 ? 1 : f[i - 1] + f[i - 2];
        }
        return f;
    }

    /** n bytes drawn from [lo, hi), none equal to the one before it. */
    private static byte[] runFree(Random random, int n, int lo, int hi) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            int c;
            do {
                c = lo + random.nextInt(hi - lo);
            } while (i > 0 && (byte) c == b[i - 1]);
            b[i] = (byte) c;
        }
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // The stream's layout: "BZh9" (32 bits); per block a 48-bit magic, the CRC (32), the randomised bit, origPtr
    // (24), the 16-bit map of used ranges, 16 bits per used range, the number of tables (3), ...

    private static final int ORIG_PTR_BIT = 32 + 48 + 32 + 1;

    private static int firstBlockTables(byte[] stream) {
        int ranges = bits(stream, ORIG_PTR_BIT + 24, 16);
        return bits(stream, ORIG_PTR_BIT + 24 + 16 + 16 * Integer.bitCount(ranges), 3);
    }

    /** The number of block magics in the stream (bzip2 blocks are not byte aligned: a 48-bit window slides). */
    private static int blockCount(byte[] stream) {
        long window = 0;
        int blocks = 0;
        for (int bit = 0; bit < 8 * stream.length; bit++) {
            window = (window << 1 | (stream[bit >>> 3] >>> (7 - (bit & 7)) & 1)) & 0xFFFF_FFFF_FFFFL;
            if (bit >= 32 + 47 && window == 0x3141_5926_5359L) {
                blocks++;
            }
        }
        return blocks;
    }

    private static byte[] withoutOrigPtr(byte[] stream) {
        byte[] copy = stream.clone();
        for (int bit = ORIG_PTR_BIT; bit < ORIG_PTR_BIT + 24; bit++) {
            copy[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        return copy;
    }

    /** n (at most 24) bits from bit position {@code at}, most significant first. */
    private static int bits(byte[] b, int at, int n) {
        int v = 0;
        for (int i = at; i < at + n; i++) {
            v = v << 1 | (b[i >>> 3] >>> (7 - (i & 7)) & 1);
        }
        return v;
    }
}
