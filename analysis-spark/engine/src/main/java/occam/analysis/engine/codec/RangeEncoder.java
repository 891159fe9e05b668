package occam.analysis.engine.codec;

import java.util.Arrays;

/**
 * Range encoder, the carry-propagating coder of LZMA (Igor Pavlov's LZMA SDK, "rc" encoder), with 15-bit
 * probabilities: each bit narrows a 32-bit range [low, low + range) in proportion to the probability of a 0, and
 * whole bytes leave the top of {@code low} whenever the range falls below 2^24. Besides LZMA's binary decisions
 * and direct bits it codes a symbol of a multi-symbol alphabet in one step ({@link #encodeSymbol}).
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
    /** Normalization steps so far: the message is 4 bytes longer after {@link #finish}. */
    private long shifts;
    private boolean finished;

    /** Null: only count the bytes, following the range alone (the length does not depend on low). */
    private byte[] out;
    private int written;

    private RangeEncoder(byte[] out) {
        this.out = out;
    }

    /** Keeps the bytes. */
    static RangeEncoder toBytes(int expectedSize) {
        return new RangeEncoder(new byte[Math.max(16, expectedSize)]);
    }

    /** Counts the bytes and keeps none. */
    static RangeEncoder counting() {
        return new RangeEncoder(null);
    }

    /** Codes {@code bit} (0 or 1) where a 0 has probability p0 / 2^15, p0 in [1, 2^15 - 1]. */
    void encode(int bit, int p0) {
        long bound = (range >>> PROB_BITS) * p0;
        // without branches: the bits are as unpredictable as the coder can make them
        long one = -(long) bit;
        low += bound & one;
        range = (bound & ~one) | ((range - bound) & one);
        normalize();
    }

    /** floor((2^31 - 1) / total): what {@link #encodeSymbol} scales the range by, for a total below 2^14. */
    static long reciprocal(int total) {
        return Integer.MAX_VALUE / total;
    }

    /**
     * Codes a symbol that takes [start, start + freq) of [0, total) (freq >= 1), then the low {@code count} bits
     * of {@code bits} (count in [0, 8]) at probability 1/2, in one step: with r = floor(range x reciprocal / 2^31),
     * reciprocal = {@link #reciprocal}(total), and sub = floor(r x freq / 2^count), low += r x start + bits x sub and
     * range = sub. The range above r x total is left unused: under 2^-9 of it, the total being below 2^14 and the
     * range at least 2^24.
     */
    void encodeSymbol(long start, long freq, long reciprocal, int bits, int count) {
        long r = (range * reciprocal) >>> 31;
        long sub = (r * freq) >>> count;
        low += r * start + bits * sub;
        range = sub;
        normalize();
    }

    /**
     * Codes the low {@code count} bits of {@code bits} (count in [0, 32]), each at probability 1/2, most significant
     * first, in chunks of at most 8 bits: per chunk of k bits, range = range >>> k, low += chunk x range. Cheaper
     * than {@code count} calls to {@link #encode}, for bits that are as good as random. Up to 8 bits take one step
     * without a branch on the count (0 bits: range and low stay as they are).
     */
    void encodeDirect(int bits, int count) {
        while (count > 8) {
            count -= 8;
            directChunk((bits >>> count) & 0xFF, 8);
        }
        directChunk(bits & ((1 << count) - 1), count);
    }

    private void directChunk(int chunk, int k) {
        range >>>= k;
        low += chunk * range;
        normalize();
    }

    private void normalize() {
        if (out == null) {
            // counting: the bytes the range needs, without a branch on them (low is not needed to count)
            int bytes = (Long.numberOfLeadingZeros(range) - 32) >>> 3;
            range <<= 8 * bytes;
            shifts += bytes;
            low = 0;
            return;
        }
        while (range < TOP) {
            range = (range << 8) & MASK32;
            shifts++;
            shiftLow();
        }
    }

    /** Writes out what remains of {@code low}; no bit may follow. */
    void finish() {
        if (out != null) {
            for (int i = 0; i < 5; i++) {
                shiftLow();
            }
        }
        finished = true;
    }

    /**
     * The length of the message so far: one byte per normalization, and 4 more after {@link #finish} (LZMA's flush
     * writes 5, the first of all bytes is not written). Before the flush, up to 4 of these bytes are still in low.
     */
    long size() {
        return shifts + (finished ? 4 : 0);
    }

    byte[] toByteArray() {
        if (out == null) {
            throw new IllegalStateException("a counting encoder keeps no bytes");
        }
        if (!finished || written != size()) {
            throw new IllegalStateException("range coder: " + written + " bytes written, " + size() + " expected");
        }
        return Arrays.copyOf(out, written);
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
        if (written == out.length) {
            out = Arrays.copyOf(out, out.length * 2);
        }
        out[written++] = (byte) b;
    }
}
