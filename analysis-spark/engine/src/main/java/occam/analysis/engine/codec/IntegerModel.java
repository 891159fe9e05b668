package occam.analysis.engine.codec;

/**
 * How the integer codec turns integers into bits, and the adaptive probability of every bit: one class for both
 * directions, so the encoder and the decoder cannot disagree ({@link #bit} codes a given bit, or decodes one).
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
 * <p><b>Adaptation.</b> Each context holds p0, the probability of a 0 in units of 2^-15 (start 2^14), and a count
 * n (start 0). After coding bit x: with r = floor(2^16 / (n + 2)), p0 += floor((2^15 - p0) r / 2^16) if x = 0,
 * else p0 -= floor(p0 r / 2^16); then n = min(n + 1, {@value #COUNT_LIMIT}). Until the limit this is the
 * Krichevsky-Trofimov estimate (zeros + 1/2) / (n + 1); after it, an exponential average that follows slow
 * drift. Every stream of a message shares the same contexts (they condition on scale, so what one tensor teaches
 * serves the next).
 */
abstract class IntegerModel {

    /** Scale contexts: 0 for "no estimate yet", then 1 + octaves(scale16) up to 22 (mean magnitudes to ~100). */
    static final int CONTEXTS = 23;
    /** Magnitudes above this count as this much in a line's mean (keeps sums far from overflow). */
    static final int MAGNITUDE_CAP = 1 << 20;
    static final int MAX_LENGTH = 30;
    /** The largest |index - offset| a stream may hold. */
    static final int MAX_MAGNITUDE = (1 << MAX_LENGTH) - 1;
    static final int COUNT_LIMIT = 255;

    private static final int ZERO = 0;
    private static final int SIGN = ZERO + CONTEXTS;
    private static final int LENGTH = SIGN + 3;
    private static final int FIRST_MANTISSA = LENGTH + CONTEXTS * 32;
    private static final int MANTISSA = FIRST_MANTISSA + CONTEXTS * 32;
    private static final int SIZE = MANTISSA + 32;

    private static final int[] RATE = new int[COUNT_LIMIT + 1];

    static {
        for (int n = 0; n <= COUNT_LIMIT; n++) {
            RATE[n] = (1 << 16) / (n + 2);
        }
    }

    private final int[] p0 = new int[SIZE];
    private final int[] count = new int[SIZE];

    IntegerModel() {
        java.util.Arrays.fill(p0, RangeEncoder.ONE / 2);
    }

    /** Codes {@code bit} with context {@code ctx} (encoder) or decodes one (decoder, {@code bit} ignored). */
    abstract int bit(int ctx, int bit);

    /** {@code count} bits at probability 1/2, no context, most significant first. */
    abstract int direct(int bits, int count);

    /** Adapts context {@code ctx} to the bit just coded. */
    final int p0(int ctx) {
        return p0[ctx];
    }

    final void update(int ctx, int bit) {
        int n = count[ctx];
        int r = RATE[n];
        int p = p0[ctx];
        p0[ctx] = bit == 0 ? p + (((RangeEncoder.ONE - p) * r) >>> 16) : p - ((p * r) >>> 16);
        if (n < COUNT_LIMIT) {
            count[ctx] = n + 1;
        }
    }

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
                // the line's mean magnitude so far (x 16), the previous line's mean counting as two values
                int c;
                if (previousLine16 >= 0) {
                    c = 1 + Math.min(CONTEXTS - 2, octavesOfQuotient(16 * sum + 2 * previousLine16, col + 2));
                } else {
                    c = col == 0 ? 0 : 1 + Math.min(CONTEXTS - 2, octavesOfQuotient(16 * sum, col));
                }
                int s = col > 0 ? Integer.signum(values[t - 1]) + 1 : 1;
                values[t] = value(c, s, values[t]);
                sum += Math.min(Math.abs(values[t]), MAGNITUDE_CAP);
            }
            previousLine16 = 16 * sum / lineLength;
        }
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
        if (n < d) {
            return 0;
        }
        int o = Long.numberOfLeadingZeros(d) - Long.numberOfLeadingZeros(n); // floor(log2(n / d)) is o or o - 1
        if (n < d << o) {
            o--;
        }
        return 1 + 2 * o + (o >= 1 && n >= (3 * d) << (o - 1) ? 1 : 0);
    }

    /** 32 raw bits of a float32 (sign first), at probability 1/2. */
    final int raw(int bits) {
        return direct(bits >>> 16, 16) << 16 | direct(bits & 0xFFFF, 16);
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

    /** Encodes through a {@link RangeEncoder}. */
    static final class Encoding extends IntegerModel {
        private final RangeEncoder out;

        Encoding(RangeEncoder out) {
            this.out = out;
        }

        @Override
        int bit(int ctx, int bit) {
            out.encode(bit, p0(ctx));
            update(ctx, bit);
            return bit;
        }

        @Override
        int direct(int bits, int count) {
            out.encodeDirect(bits, count);
            return bits;
        }
    }

    /** Decodes from a {@link RangeDecoder}. */
    static final class Decoding extends IntegerModel {
        private final RangeDecoder in;

        Decoding(RangeDecoder in) {
            this.in = in;
        }

        @Override
        int bit(int ctx, int ignored) {
            int bit = in.decode(p0(ctx));
            update(ctx, bit);
            return bit;
        }

        @Override
        int direct(int ignored, int count) {
            return in.decodeDirect(count);
        }
    }
}
