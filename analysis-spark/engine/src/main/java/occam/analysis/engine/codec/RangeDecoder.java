package occam.analysis.engine.codec;

/** The decoder of {@link RangeEncoder}: reads the bits and symbols back given the same probabilities. */
final class RangeDecoder {

    private static final long TOP = 1L << 24;
    private static final long MASK32 = 0xFFFFFFFFL;

    private final byte[] in;
    private final int end;
    private int pos;
    private long range = MASK32;
    private long code;

    /** Decodes from {@code in[start]} to {@code in[end - 1]}; reading past {@code end} is an error. */
    RangeDecoder(byte[] in, int start, int end) {
        this.in = in;
        this.pos = start;
        this.end = end;
        // LZMA's first byte (always 0) is implied: 4 bytes fill the 32-bit code
        for (int i = 0; i < 4; i++) {
            code = (code << 8) | next();
        }
    }

    int decode(int p0) {
        long bound = (range >>> RangeEncoder.PROB_BITS) * p0;
        int bit;
        if (code < bound) {
            range = bound;
            bit = 0;
        } else {
            code -= bound;
            range -= bound;
            bit = 1;
        }
        normalize();
        return bit;
    }

    /** The bits of {@link RangeEncoder#encodeDirect}. */
    int decodeDirect(int count) {
        int bits = 0;
        while (count > 0) {
            int k = Math.min(8, count);
            count -= k;
            range >>>= k;
            long chunk = code / range;
            if (chunk >= 1L << k) {
                throw new IllegalArgumentException("integer-codec payload is corrupt: a direct chunk of " + k + " bits reads " + chunk);
            }
            code -= chunk * range;
            bits = (bits << k) | (int) chunk;
            normalize();
        }
        return bits;
    }

    /**
     * Where the next symbol of {@link RangeEncoder#encodeSymbol} lies, in [0, total): the symbol is the one whose
     * [start, start + freq) holds it; then {@link #consumeSymbol} it.
     */
    long symbolTarget(long reciprocal, long total) {
        long target = code / ((range * reciprocal) >>> 31);
        if (target >= total) {
            throw new IllegalArgumentException("integer-codec payload is corrupt: a symbol reads " + target + " of " + total);
        }
        return target;
    }

    /** Removes the symbol at [start, start + freq) that {@link #symbolTarget} pointed into; returns its direct bits. */
    int consumeSymbol(long start, long freq, long reciprocal, int count) {
        long r = (range * reciprocal) >>> 31;
        code -= r * start;
        long sub = (r * freq) >>> count;
        long bits = code / sub;
        if (bits >= 1L << count) {
            throw new IllegalArgumentException("integer-codec payload is corrupt: " + count + " direct bits read " + bits);
        }
        code -= bits * sub;
        range = sub;
        normalize();
        return (int) bits;
    }

    private void normalize() {
        while (range < TOP) {
            range = (range << 8) & MASK32;
            code = ((code << 8) | next()) & MASK32;
        }
    }

    /** The position after the last byte read: the end of the stream once every bit is decoded. */
    int position() {
        return pos;
    }

    private int next() {
        if (pos >= end) {
            throw new IllegalArgumentException("integer-codec message truncated: the coded values need more than its "
                    + end + " bytes");
        }
        return in[pos++] & 0xFF;
    }
}
