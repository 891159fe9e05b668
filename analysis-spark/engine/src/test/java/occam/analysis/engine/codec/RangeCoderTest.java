package occam.analysis.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RangeCoderTest {

    @Test
    void oneBitByHand() {
        // range 2^32 - 1; bound = (range >>> 15) x 16384 = 0x1FFFF x 0x4000 = 0x7FFFC000.
        // bit 0: low stays 0 -> 00 00 00 00 (LZMA's leading 00 is not written).
        // bit 1: low = 0x7FFFC000 -> cache 7F; then FF waits for a carry; C0; 00.
        assertArrayEquals(new byte[] {0, 0, 0, 0}, encode(new int[] {0}, new int[] {16384}));
        assertArrayEquals(bytes(0x7F, 0xFF, 0xC0, 0x00), encode(new int[] {1}, new int[] {16384}));
    }

    @Test
    void twoBitsByHand() {
        // bit 1 at p0 = 1/2: low = 0x7FFFC000, range = 2^32 - 1 - 0x7FFFC000 = 0x80003FFF.
        // bit 1 at p0 = 3/4 (24576): bound = (0x80003FFF >>> 15) x 24576 = 0x10000 x 0x6000 = 0x60000000;
        // low = 0xDFFFC000, range = 0x20003FFF. Flush: DF FF C0 00.
        assertArrayEquals(bytes(0xDF, 0xFF, 0xC0, 0x00), encode(new int[] {1, 1}, new int[] {16384, 24576}));
    }

    @Test
    void aCarryReachesBytesAlreadyShiftedOut() {
        // Bits 1 at p0 = 2^15 - 1 push low toward 2^32 while the range shrinks by 2^-15 a bit; the byte FF that
        // waits in the cache must become 00 when the carry arrives. The decoder tells whether it did.
        int n = 40;
        int[] bits = new int[n];
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            bits[i] = i % 7 == 3 ? 0 : 1;
            p[i] = i % 5 == 0 ? 32767 : 1 + (i * 7919) % 32766;
        }
        roundTrip(bits, p);
    }

    @Test
    void randomMessagesRoundTripAtTheirInformationContent() {
        Random random = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            int n = random.nextInt(2000);
            int[] bits = new int[n];
            int[] p = new int[n];
            double ideal = 0;
            for (int i = 0; i < n; i++) {
                p[i] = trial % 3 == 0 ? 1 + random.nextInt(32767) : random.nextBoolean() ? 32767 - random.nextInt(40) : 1 + random.nextInt(40);
                double q0 = p[i] / 32768.0;
                bits[i] = random.nextDouble() < q0 ? 0 : 1;
                ideal += -Math.log(bits[i] == 0 ? q0 : 1 - q0) / Math.log(2);
            }
            byte[] out = roundTrip(bits, p);
            // 32-bit arithmetic loses at most a fraction of a bit per 2^-8 of range; the flush costs 4 bytes
            assertTrue(8.0 * out.length <= ideal * 1.001 + 40, "trial " + trial + ": " + out.length + " bytes for " + ideal + " bits");
            assertTrue(8.0 * out.length >= ideal - 1, "trial " + trial + ": " + out.length + " bytes for " + ideal + " bits");
        }
    }

    @Test
    void directBitsByHand() {
        // 0b101 as 3 direct bits: range = (2^32 - 1) >>> 3 = 0x1FFFFFFF, low = 5 x 0x1FFFFFFF = 0x9FFFFFFB;
        // the flush writes 9F FF FF FB.
        RangeEncoder e = RangeEncoder.toBytes(4);
        e.encodeDirect(5, 3);
        e.finish();
        byte[] out = e.toByteArray();
        assertArrayEquals(bytes(0x9F, 0xFF, 0xFF, 0xFB), out);
        assertEquals(5, new RangeDecoder(out, 0, out.length).decodeDirect(3));
        // mixed with modelled bits, 20 direct bits at a time (chunks of 8, 8, 4)
        Random random = new Random(9);
        RangeEncoder mixed = RangeEncoder.toBytes(64);
        int[] values = new int[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(1 << 20);
            mixed.encode(i & 1, 3000);
            mixed.encodeDirect(values[i], 20);
        }
        mixed.finish();
        byte[] m = mixed.toByteArray();
        RangeDecoder d = new RangeDecoder(m, 0, m.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals(i & 1, d.decode(3000));
            assertEquals(values[i], d.decodeDirect(20));
        }
        assertEquals(m.length, d.position());
    }

    @Test
    void aSymbolStepByHand() {
        // symbol [3, 5) of 13 with one direct bit 1: reciprocal = floor((2^31 - 1) / 13) = 165191049, r =
        // floor((2^32 - 1) x 165191049 / 2^31) = 330382097, sub = floor(2 r / 2) = r; low = 3 r + 1 x r = 4 r =
        // 1321528388 = 0x4EC4EC44, range = r (no normalization); the flush writes low.
        long reciprocal = RangeEncoder.reciprocal(13);
        assertEquals(165191049, reciprocal);
        RangeEncoder e = RangeEncoder.toBytes(4);
        e.encodeSymbol(3, 2, reciprocal, 1, 1);
        e.finish();
        byte[] out = e.toByteArray();
        assertArrayEquals(bytes(0x4E, 0xC4, 0xEC, 0x44), out);
        RangeDecoder d = new RangeDecoder(out, 0, out.length);
        long target = d.symbolTarget(reciprocal, 13);
        assertTrue(target >= 3 && target < 5, "target " + target);
        assertEquals(1, d.consumeSymbol(3, 2, reciprocal, 1));
        assertEquals(out.length, d.position());
    }

    @Test
    void aSymbolStepsDirectBitsAreADirectStepWithoutTheNormalizationBetween() {
        // when the symbol's range r x freq is at least 2^24, no byte leaves between the symbol and its direct bits,
        // so one step and two steps give the same message
        Random random = new Random(21);
        int compared = 0;
        for (int trial = 0; trial < 2000; trial++) {
            int total = 13 + 32 * random.nextInt(512);
            long reciprocal = RangeEncoder.reciprocal(total);
            int freq = 1 + random.nextInt(total);
            int start = random.nextInt(total - freq + 1);
            int count = random.nextInt(3);
            int bits = random.nextInt(1 << count);
            if (((0xFFFFFFFFL * reciprocal) >>> 31) * freq < 1 << 24) {
                continue;
            }
            RangeEncoder one = RangeEncoder.toBytes(8);
            one.encodeSymbol(start, freq, reciprocal, bits, count);
            one.finish();
            RangeEncoder two = RangeEncoder.toBytes(8);
            two.encodeSymbol(start, freq, reciprocal, 0, 0);
            two.encodeDirect(bits, count);
            two.finish();
            assertArrayEquals(two.toByteArray(), one.toByteArray(), "trial " + trial);
            compared++;
        }
        assertTrue(compared > 1000, compared + " compared");
    }

    @Test
    void symbolStepsRoundTripAtTheirInformationContent() {
        Random random = new Random(23);
        int n = 20000;
        int[][] steps = new int[n][];
        RangeEncoder e = RangeEncoder.toBytes(64);
        double ideal = 0;
        for (int i = 0; i < n; i++) {
            int total = 13 + 32 * random.nextInt(512);
            int freq = 1 + random.nextInt(random.nextBoolean() ? 13 : total);
            int start = random.nextInt(total - freq + 1);
            int count = random.nextInt(3);
            int bits = random.nextInt(1 << count);
            steps[i] = new int[] {total, start, freq, count, bits};
            e.encodeSymbol(start, freq, RangeEncoder.reciprocal(total), bits, count);
            ideal += Math.log((double) total / freq) / Math.log(2) + count;
        }
        e.finish();
        byte[] out = e.toByteArray();
        assertTrue(8.0 * out.length <= ideal * 1.001 + 40, out.length + " bytes for " + ideal + " bits");
        RangeDecoder d = new RangeDecoder(out, 0, out.length);
        for (int[] s : steps) {
            long reciprocal = RangeEncoder.reciprocal(s[0]);
            long target = d.symbolTarget(reciprocal, s[0]);
            assertTrue(target >= s[1] && target < s[1] + s[2]);
            assertEquals(s[4], d.consumeSymbol(s[1], s[2], reciprocal, s[3]));
        }
        assertEquals(out.length, d.position());
    }

    @Test
    void aCounterGivesTheLengthOfTheMessageAtEveryMix() {
        // the counter follows the range alone: check it on carries, extreme probabilities and direct bits
        Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            RangeEncoder e = RangeEncoder.toBytes(16);
            RangeEncoder counter = RangeEncoder.counting();
            int n = random.nextInt(trial < 20 ? 4 : 5000);
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(10);
                if (kind < 2) {
                    int count = random.nextInt(33);
                    int bits = random.nextInt() & (int) ((1L << count) - 1);
                    e.encodeDirect(bits, count);
                    counter.encodeDirect(bits, count);
                } else if (kind < 6) {
                    int total = 13 + 32 * random.nextInt(512);
                    int freq = 1 + random.nextInt(random.nextBoolean() ? 3 : total);
                    int start = random.nextInt(total - freq + 1);
                    int count = random.nextInt(3);
                    e.encodeSymbol(start, freq, RangeEncoder.reciprocal(total), random.nextInt(1 << count), count);
                    counter.encodeSymbol(start, freq, RangeEncoder.reciprocal(total), 0, count);
                } else {
                    int p0 = switch (random.nextInt(4)) {
                        case 0 -> 1;
                        case 1 -> RangeEncoder.ONE - 1;
                        default -> 1 + random.nextInt(RangeEncoder.ONE - 1);
                    };
                    int bit = random.nextInt(RangeEncoder.ONE) < p0 ? 0 : 1;
                    e.encode(bit, p0);
                    counter.encode(bit, p0);
                }
            }
            e.finish();
            counter.finish();
            assertEquals(e.toByteArray().length, counter.size(), "trial " + trial + ", " + n + " symbols");
        }
    }

    @Test
    void theDecoderReadsExactlyTheEncodedBytes() {
        int[] bits = {1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1};
        int[] p = new int[bits.length];
        java.util.Arrays.fill(p, 30000);
        byte[] out = encode(bits, p);
        assertThrows(IllegalArgumentException.class, () -> decode(java.util.Arrays.copyOf(out, out.length - 1), p));
    }

    static byte[] encode(int[] bits, int[] p0) {
        RangeEncoder e = RangeEncoder.toBytes(16);
        RangeEncoder counter = RangeEncoder.counting();
        for (int i = 0; i < bits.length; i++) {
            e.encode(bits[i], p0[i]);
            counter.encode(bits[i], p0[i]);
        }
        e.finish();
        counter.finish();
        byte[] out = e.toByteArray();
        assertEquals(out.length, counter.size());
        return out;
    }

    private static int[] decode(byte[] message, int[] p0) {
        RangeDecoder d = new RangeDecoder(message, 0, message.length);
        int[] out = new int[p0.length];
        for (int i = 0; i < p0.length; i++) {
            out[i] = d.decode(p0[i]);
        }
        assertEquals(message.length, d.position(), "the decoder reads every byte, no more");
        return out;
    }

    private static byte[] roundTrip(int[] bits, int[] p0) {
        byte[] out = encode(bits, p0);
        assertArrayEquals(bits, decode(out, p0));
        return out;
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
