package occam.analysis.engine.codec;

/**
 * OCI1's model of a stream's integers (the earlier format, still decoded; {@link IntegerModel2} is OCI2's): how it
 * turns integers into bits, and the adaptive probability of every bit, one class for both directions ({@link #bit}
 * codes a given bit, or decodes one). Both formats share its scale contexts ({@link #context}).
 *
 * <p><b>Binarization</b> of an integer v (a quantization index minus its stream's offset): a bit "v != 0"; if
 * not zero, a bit "v < 0", then the bit length b of |v| (1..30) in unary (b - 1 ones, then a zero unless b = 30),
 * then the b - 1 bits of |v| below its leading one, most significant first: the first two coded with contexts,
 * the rest direct (probability 1/2, several at once: they are as good as random). Worked example: v = -5 =
 * -0b101 gives nonzero 1, negative 1, length 3 as 1 1 0, mantissa 0 1.
 *
 * <p><b>Contexts.</b> A stream is coded line by line (a line: a row of a dense matrix, one singular triplet of a
 * factor, or a whole vector); within a line the values share a scale (a factor's triplet scales with its singular
 * value), which the contexts follow without storing any statistics. Before the value at position t of line j, let
 * sum be the sum of min(|v|, 2^20) over the line's first t values and prev16 = floor(16 x (that sum over the whole
 * of line j - 1) / line length). The scale estimate, x 16, is scale16 = floor((16 sum + 2 prev16) / (t + 2)) when
 * j > 0, else floor(16 sum / t), and none when j = t = 0. The context is c = 0 without an estimate, else
 * 1 + min(21, {@link #octaves}(scale16)). The zero bit, the unary length bits and the first mantissa bit
 * depend on c; the sign bit on the sign of the previous value of the line (negative, zero or none, positive); the
 * second mantissa bit on b.
 *
 * <p><b>Adaptation</b>: {@link BitContexts}. Every stream of a message shares the same contexts (they condition on
 * scale, so what one tensor teaches serves the next).
 */
abstract class IntegerModel {

    /** Scale contexts: 0 for "no estimate yet", then 1 + octaves(scale16) up to 22 (mean magnitudes to ~100). */
    static final int CONTEXTS = 23;
    /** Magnitudes above this count as this much in a line's mean (keeps sums far from overflow). */
    static final int MAGNITUDE_CAP = 1 << 20;
    static final int MAX_LENGTH = 30;
    /** The largest |index - offset| a stream may hold. */
    static final int MAX_MAGNITUDE = (1 << MAX_LENGTH) - 1;

    private static final int ZERO = 0;
    private static final int SIGN = ZERO + CONTEXTS;
    private static final int LENGTH = SIGN + 3;
    private static final int FIRST_MANTISSA = LENGTH + CONTEXTS * 32;
    private static final int MANTISSA = FIRST_MANTISSA + CONTEXTS * 32;
    private static final int SIZE = MANTISSA + 32;

    final BitContexts probabilities = new BitContexts(SIZE);

    /** Codes {@code bit} with context {@code ctx} (encoder) or decodes one (decoder, {@code bit} ignored). */
    abstract int bit(int ctx, int bit);

    /** {@code count} bits at probability 1/2, no context, most significant first. */
    abstract int direct(int bits, int count);

    /**
     * Codes (or decodes into) {@code values}, lines of {@code lineLength} one after another; returns the values.
     * Decoding overwrites {@code values}.
     */
    final void stream(int[] values, int length, int lineLength) {
        long previousLine16 = -1;
        for (int start = 0; start < length; start += lineLength) {
            long sum = 0;
            for (int col = 0; col < lineLength; col++) {
                int t = start + col;
                int c = context(sum, previousLine16, col);
                int s = col > 0 ? Integer.signum(values[t - 1]) + 1 : 1;
                values[t] = value(c, s, values[t]);
                sum += Math.min(Math.abs(values[t]), MAGNITUDE_CAP);
            }
            previousLine16 = 16 * sum / lineLength;
        }
    }

    /**
     * The scale context of the value at position {@code col} of a line: {@code sum} of the line's magnitudes before
     * it (each at most {@link #MAGNITUDE_CAP}), {@code previousLine16} 16 x the previous line's mean magnitude, or
     * -1 for the first line of a stream.
     */
    static int context(long sum, long previousLine16, int col) {
        // the line's mean magnitude so far (x 16), the previous line's mean counting as two values
        if (previousLine16 >= 0) {
            return 1 + Math.min(CONTEXTS - 2, octavesOfQuotient(16 * sum + 2 * previousLine16, col + 2));
        }
        return col == 0 ? 0 : 1 + Math.min(CONTEXTS - 2, octavesOfQuotient(16 * sum, col));
    }

    /** Buckets of e >= 0: 0 for 0, then two per octave: 1 -> 1, 2 -> 3, 3 -> 4, 4 and 5 -> 5, 6 and 7 -> 6, 8 -> 7. */
    static int octaves(int e) {
        if (e == 0) {
            return 0;
        }
        int octave = 31 - Integer.numberOfLeadingZeros(e);
        return 1 + 2 * octave + (2L * e >= 3L << octave ? 1 : 0);
    }

    /** octaves(floor(n / d)) for n >= 0, d >= 1, without a division: floor(n / d) >= T exactly when n >= T d. */
    static int octavesOfQuotient(long n, long d) {
        // without branches (the coders call this for every value): floor(log2(n / d)) is o or o - 1, and the
        // result is 0 when n < d (then o ends at -1)
        int o = Math.max(0, Long.numberOfLeadingZeros(d) - Long.numberOfLeadingZeros(n));
        o -= n < d << o ? 1 : 0;
        int upperHalf = (o >= 1 ? 1 : 0) & (n >= (3 * d) << (o - 1) ? 1 : 0);
        return Math.max(0, 1 + 2 * o + upperHalf);
    }

    private int value(int c, int signContext, int v) {
        if (bit(ZERO + c, v != 0 ? 1 : 0) == 0) {
            return 0;
        }
        boolean negative = bit(SIGN + signContext, v < 0 ? 1 : 0) == 1;
        int m = Math.abs(v);
        int b = 32 - Integer.numberOfLeadingZeros(m);
        int length = 1;
        while (length < MAX_LENGTH && bit(LENGTH + 32 * c + length, length < b ? 1 : 0) == 1) {
            length++;
        }
        int magnitude = 1;
        if (length >= 2) {
            magnitude = 2 | bit(FIRST_MANTISSA + 32 * c + length, (m >>> (length - 2)) & 1);
        }
        if (length >= 3) {
            magnitude = (magnitude << 1) | bit(MANTISSA + length, (m >>> (length - 3)) & 1);
        }
        if (length >= 4) {
            magnitude = (magnitude << (length - 3)) | direct(m & ((1 << (length - 3)) - 1), length - 3);
        }
        return negative ? -magnitude : magnitude;
    }

    /** Decodes from a {@link RangeDecoder}. */
    static final class Decoding extends IntegerModel {
        private final RangeDecoder in;

        Decoding(RangeDecoder in) {
            this.in = in;
        }

        @Override
        int bit(int ctx, int ignored) {
            return probabilities.decode(in, ctx);
        }

        @Override
        int direct(int ignored, int count) {
            return in.decodeDirect(count);
        }
    }
}
