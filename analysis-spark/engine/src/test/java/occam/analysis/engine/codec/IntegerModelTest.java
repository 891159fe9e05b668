package occam.analysis.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** OCI1's model, which the codec now only decodes: its encoder lives here, to test the decoder against. */
class IntegerModelTest {

    /** Records the bits the binarization produces instead of coding them. */
    private static final class Recorder extends IntegerModel {
        final List<Integer> bits = new ArrayList<>();

        @Override
        int bit(int ctx, int bit) {
            bits.add(bit);
            probabilities.update(ctx, bit);
            return bit;
        }

        @Override
        int direct(int value, int count) {
            for (int i = count - 1; i >= 0; i--) {
                bits.add((value >>> i) & 1);
            }
            return value;
        }
    }

    @Test
    void binarizationByHand() {
        // -5 = -0b101: nonzero 1, negative 1, length 3 in unary 1 1 0, mantissa below the leading one 0 1
        assertEquals(List.of(1, 1, 1, 1, 0, 0, 1), bitsOf(-5));
        // 0: one bit
        assertEquals(List.of(0), bitsOf(0));
        // 1: nonzero, positive, length 1 (unary 0), no mantissa
        assertEquals(List.of(1, 0, 0), bitsOf(1));
        // 2^29 + 1 = length 30: 29 unary ones and no terminator (30 is the longest), then 29 mantissa bits
        List<Integer> big = bitsOf((1 << 29) + 1);
        assertEquals(2 + 29 + 29, big.size());
    }

    @Test
    void octavesOfMagnitudes() {
        // 0 -> 0; then two buckets an octave: 1 -> 1, 2 -> 3, 3 -> 4, 4 -> 5, 5 -> 5, 6 -> 6, 7 -> 6, 8 -> 7
        int[] expected = {0, 1, 3, 4, 5, 5, 6, 6, 7};
        for (int e = 0; e < expected.length; e++) {
            assertEquals(expected[e], IntegerModel.octaves(e), "e = " + e);
        }
        assertEquals(13, IntegerModel.octaves(64 + 32 - 1)); // octave 6, lower half
        assertEquals(14, IntegerModel.octaves(64 + 32)); // octave 6, upper half
        assertEquals(15, IntegerModel.octaves(128));
        for (long n = 0; n < 3000; n += 7) {
            for (long d = 1; d < 200; d += 3) {
                assertEquals(IntegerModel.octaves((int) (n / d)), IntegerModel.octavesOfQuotient(n, d), n + " / " + d);
            }
        }
        long n = (5L << 40) + 3;
        long d = (1 << 20) + 1;
        assertEquals(IntegerModel.octaves((int) (n / d)), IntegerModel.octavesOfQuotient(n, d));
    }

    @Test
    void contextsFollowTheScaleOfEachLine() {
        // line 0 = (4, 0, -2): no estimate for the first value (context 0); then scale16 = 16 x 4 / 1 = 64 -> 1 +
        // octaves(64) = 14; then 16 x 4 / 2 = 32 -> 12. Line 1 starts from prev16 = 16 x 6 / 3 = 32: (2 x 32) / 2
        // = 32 -> 12; then (16 x 1 + 64) / 3 = 26 -> 11; then (16 + 64) / 4 = 20 -> 10.
        List<Integer> contexts = new ArrayList<>();
        IntegerModel m = new IntegerModel() {
            @Override
            int bit(int ctx, int bit) {
                if (ctx < IntegerModel.CONTEXTS) {
                    contexts.add(ctx); // the zero bit's context is c itself
                }
                return bit;
            }

            @Override
            int direct(int value, int count) {
                return value;
            }
        };
        m.stream(new int[] {4, 0, -2, 1, 0, 0}, 6, 3);
        assertEquals(List.of(0, 14, 12, 12, 11, 10), contexts);
    }

    @Test
    void adaptationIsTheKrichevskyTrofimovEstimate() {
        BitContexts r = new BitContexts(1);
        assertEquals(16384, r.p0(0));
        r.update(0, 0);
        assertEquals(24576, r.p0(0)); // (1 + 1/2) / 2 = 3/4
        r.update(0, 0);
        assertEquals(27306, r.p0(0)); // (2 + 1/2) / 3 = 0.8333 -> 27306.67, floored
        r.update(0, 1);
        assertEquals(20480, r.p0(0)); // 27306 - floor(27306 x 16384 / 65536) = 20480 (KT: 2.5 / 4 = 20480)
    }

    @Test
    void streamsRoundTripThroughTheRangeCoder() {
        Random random = new Random(3);
        int[] values = new int[3000];
        for (int i = 0; i < values.length; i++) {
            int line = i / 100;
            values[i] = (int) Math.round(random.nextGaussian() * (line + 1) * (line % 4 == 0 ? 100 : 1));
        }
        values[17] = IntegerModel.MAX_MAGNITUDE;
        values[18] = -IntegerModel.MAX_MAGNITUDE;
        RangeEncoder out = RangeEncoder.toBytes(100);
        new Encoding(out).stream(values.clone(), values.length, 100);
        out.finish();
        byte[] bytes = out.toByteArray();
        RangeDecoder in = new RangeDecoder(bytes, 0, bytes.length);
        int[] back = new int[values.length];
        new IntegerModel.Decoding(in).stream(back, back.length, 100);
        assertArrayEquals(values, back);
        assertEquals(bytes.length, in.position());
    }

    /** OCI1's encoder (the codec writes OCI2): the bits of the binarization through a range encoder. */
    private static final class Encoding extends IntegerModel {
        private final RangeEncoder out;

        Encoding(RangeEncoder out) {
            this.out = out;
        }

        @Override
        int bit(int ctx, int bit) {
            probabilities.encode(out, ctx, bit);
            return bit;
        }

        @Override
        int direct(int bits, int count) {
            out.encodeDirect(bits, count);
            return bits;
        }
    }

    private static List<Integer> bitsOf(int v) {
        Recorder r = new Recorder();
        r.stream(new int[] {v}, 1, 1);
        return r.bits;
    }
}
