package occam.analysis.engine.codec;

import java.util.Arrays;

/**
 * Binary range encoder, the carry-propagating coder of LZMA (Igor Pavlov's LZMA SDK, "rc" encoder), with 15-bit
 * probabilities: each bit narrows a 32-bit range [low, low + range) in proportion to the probability of a 0, and
 * whole bytes leave the top of {@code low} whenever the range falls below 2^24.
 *
 * <p>One change from LZMA: the first byte LZMA writes is always 0 (the integer part of the code value), so it is
 * not written; the decoder reads it as implied. The output is then exactly as long as the decoder reads: 4 bytes
 * plus one per normalization, so a stream is self-delimiting once the decoder knows how many bits it holds.
 *
 * <p>Worked example (tested): one bit 0 at probability 1/2 (p0 = 16384). bound = (2^32 - 1 >>> 15) x 16384 =
 * 0x7FFFC000, range = bound, low = 0; the flush shifts out the 5 bytes of low: 00 (skipped) 00 00 00 00. So the
 * message is 00 00 00 00; a bit 1 instead gives low = 0x7FFFC000 and the message 7F FF C0 00.
 */
final class RangeEncoder {

    /** Probabilities are integers in [1, 2^15 - 1], the chance of a 0 in units of 2^-15. */
    static final int PROB_BITS = 15;
    static final int ONE = 1 << PROB_BITS;
    private static final long TOP = 1L << 24;
    private static final long MASK32 = 0xFFFFFFFFL;

    private long low;
    private long range = MASK32;
    private int cache;
    private long cacheSize = 1;
    private boolean skipFirst = true;

    /** Null: only count the bytes. */
    private byte[] out;
    private long size;

    /** Keeps the bytes. */
    static RangeEncoder toBytes(int expectedSize) {
        RangeEncoder e = new RangeEncoder();
        e.out = new byte[Math.max(16, expectedSize)];
        return e;
    }

    /** Counts the bytes and keeps none. */
    static RangeEncoder counting() {
        return new RangeEncoder();
    }

    /** Codes {@code bit} (0 or 1) where a 0 has probability p0 / 2^15, p0 in [1, 2^15 - 1]. */
    void encode(int bit, int p0) {
        long bound = (range >>> PROB_BITS) * p0;
        // without branches: the bits are as unpredictable as the coder can make them
        long one = -(long) bit;
        low += bound & one;
        range = (bound & ~one) | ((range - bound) & one);
        while (range < TOP) {
            range = (range << 8) & MASK32;
            shiftLow();
        }
    }

    /**
     * Codes the low {@code count} bits of {@code bits} (count in [0, 30]), each at probability 1/2, most significant
     * first, in chunks of at most 8 bits: per chunk of k bits, range = range >>> k, low += chunk x range. Cheaper
     * than {@code count} calls to {@link #encode}, for bits that are as good as random.
     */
    void encodeDirect(int bits, int count) {
        while (count > 0) {
            int k = Math.min(8, count);
            count -= k;
            int chunk = (bits >>> count) & ((1 << k) - 1);
            range >>>= k;
            low += chunk * range;
            while (range < TOP) {
                range = (range << 8) & MASK32;
                shiftLow();
            }
        }
    }

    /** Writes out what remains of {@code low}; no bit may follow. */
    void finish() {
        for (int i = 0; i < 5; i++) {
            shiftLow();
        }
    }

    /** Bytes written so far (all of them after {@link #finish}). */
    long size() {
        return size;
    }

    byte[] toByteArray() {
        if (out == null) {
            throw new IllegalStateException("a counting encoder keeps no bytes");
        }
        return Arrays.copyOf(out, (int) size);
    }

    private void shiftLow() {
        if (low < 0xFF000000L || low > MASK32) {
            int carry = (int) (low >>> 32);
            int temp = cache;
            do {
                emit((temp + carry) & 0xFF);
                temp = 0xFF;
            } while (--cacheSize != 0);
            cache = (int) ((low >>> 24) & 0xFF);
        }
        cacheSize++;
        low = (low & 0x00FFFFFFL) << 8;
    }

    private void emit(int b) {
        if (skipFirst) {
            // the integer part of a code value in [0, 1): always 0 (the range never leaves [0, 2^32) at the start)
            skipFirst = false;
            if (b != 0) {
                throw new IllegalStateException("range coder: first byte " + b + ", expected 0");
            }
            return;
        }
        if (out != null) {
            if (size == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            out[(int) size] = (byte) b;
        }
        size++;
    }
}
