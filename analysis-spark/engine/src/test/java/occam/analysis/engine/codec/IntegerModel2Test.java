package occam.analysis.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class IntegerModel2Test {

    @Test
    void symbolsOfMagnitudes() {
        // exact below 8; then two bits below the leading one for 8 to 15; then the escape
        int[] expected = {0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12};
        for (int m = 0; m < expected.length; m++) {
            assertEquals(expected[m], IntegerModel2.symbol(m), "m = " + m);
        }
        assertEquals(IntegerModel2.ESCAPE, IntegerModel2.symbol(IntegerModel.MAX_MAGNITUDE));
    }

    @Test
    void aValueByHand() {
        // -5 alone: context 0 (no estimate), all counts 0, so symbol 5 takes [5, 6) of 13, and its sign (1) is one
        // direct bit in the same step. reciprocal = floor((2^31 - 1) / 13) = 165191049; r = floor((2^32 - 1) x
        // 165191049 / 2^31) = 330382097; sub = floor(r / 2) = 165191048; low = 5 r + 1 x sub = 1817101533 =
        // 0x6C4EC4DD; the flush writes it.
        assertArrayEquals(new byte[] {0x6C, 0x4E, (byte) 0xC4, (byte) 0xDD}, encode(new int[] {-5}, 1));
    }

    @Test
    void countsHalveWhenTheirTotalReachesTheLimit() {
        // 600 zeros in one line: the first in context 0, the other 599 in context 1 (a scale estimate of 0). After
        // 511 of them context 1's counts are 32 x 511 = 16352; the 512th takes them to 16384, halved to 8192; 87
        // more give 8192 + 32 x 87 = 10976. Every symbol is 0, so L[1] = ... = L[13] and L[0] = 0.
        IntegerModel2 model = new IntegerModel2();
        model.encodeLine(RangeEncoder.counting(), new int[600], 600, -1);
        assertEquals(0, model.cumulative(1, 0));
        assertEquals(10976, model.cumulative(1, 1));
        assertEquals(10976, model.cumulative(1, 13));
        assertEquals(32, model.cumulative(0, 13));
    }

    @Test
    void everyMagnitudeRoundTrips() {
        // every bit length up to the largest magnitude, both signs, zeros, lines of changing scale (so every
        // context and the escape's decisions are used), and enough values for the counts to halve
        Random random = new Random(17);
        int lineLength = 97;
        int[] values = new int[lineLength * 60];
        for (int i = 0; i < values.length; i++) {
            int line = i / lineLength;
            int bits = line % 3 == 0 ? random.nextInt(IntegerModel.MAX_LENGTH + 1) : random.nextInt(1 + line % 7);
            int m = bits == 0 ? 0 : (1 << (bits - 1)) | random.nextInt(1 << (bits - 1));
            values[i] = random.nextBoolean() ? -m : m;
        }
        values[5] = IntegerModel.MAX_MAGNITUDE;
        values[6] = -IntegerModel.MAX_MAGNITUDE;
        byte[] bytes = encode(values, lineLength);
        RangeDecoder in = new RangeDecoder(bytes, 0, bytes.length);
        int[] back = new int[values.length];
        new IntegerModel2().decode(in, back, back.length, lineLength);
        assertArrayEquals(values, back);
        assertEquals(bytes.length, in.position());
    }

    /** The coded lines, checking that a counting encoder gives their length. */
    private static byte[] encode(int[] values, int lineLength) {
        RangeEncoder out = RangeEncoder.toBytes(16);
        RangeEncoder counter = RangeEncoder.counting();
        IntegerModel2 model = new IntegerModel2();
        IntegerModel2 counted = new IntegerModel2();
        long previous = -1;
        long previousCounted = -1;
        for (int start = 0; start < values.length; start += lineLength) {
            int[] line = java.util.Arrays.copyOfRange(values, start, start + lineLength);
            previous = model.encodeLine(out, line, lineLength, previous);
            previousCounted = counted.encodeLine(counter, line, lineLength, previousCounted);
        }
        out.finish();
        counter.finish();
        byte[] bytes = out.toByteArray();
        assertEquals(bytes.length, counter.size());
        return bytes;
    }
}
