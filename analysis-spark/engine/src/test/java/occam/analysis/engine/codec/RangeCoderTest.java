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
    void aCounterGivesTheLengthOfTheMessageAtEveryMix() {
        // the counter follows the range alone: check it on carries, extreme probabilities and direct bits
        Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            RangeEncoder e = RangeEncoder.toBytes(16);
            RangeEncoder counter = RangeEncoder.counting();
            int n = random.nextInt(trial < 20 ? 4 : 5000);
            for (int i = 0; i < n; i++) {
                if (random.nextInt(5) == 0) {
                    int count = random.nextInt(31);
                    int bits = random.nextInt() & (int) ((1L << count) - 1);
                    e.encodeDirect(bits, count);
                    counter.encodeDirect(bits, count);
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
