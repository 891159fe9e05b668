package occam.analysis.engine.codec;

/**
 * OCI2's model of a stream's integers, written for encode speed: most values take one range-coder step, with no
 * branch on the value's data. (OCI1's {@link IntegerModel} took a chain of binary decisions, one per bit of the
 * length in unary, whose loop exits the processor could not predict.) It keeps OCI1's scale contexts
 * ({@link IntegerModel#context}) and, for large values, OCI1's binary decisions.
 *
 * <p><b>Symbols.</b> An integer v, with m = |v| of bit length b, is a <i>head</i> symbol when m < 16: s = m for m
 * < 8, and s = 8 + (the two bits of m below its leading one) for 8 <= m < 16; else the <i>escape</i> {@value
 * #ESCAPE}. The symbol is coded in one step with the adaptive counts of its context c, together with direct bits
 * (probability 1/2): the sign (1 if negative; only when v != 0), then, for a head symbol of 8 to 11, the lowest bit
 * of m. After an escape: b in unary from 5, one binary decision "b > i" for i = 5, 6, ... (context length[c][i]),
 * stopping after a 0 or after i = 29; then the bit of m below its leading one (context first[c][b]), the next bit (context
 * second[b]), and the b - 3 lowest bits, direct. Worked example: v = -5 is symbol 5 with the direct bit 1; v = 9 =
 * 0b1001 is symbol 8 + 0b00 = 8 with the direct bits 0 (positive) and 1.
 *
 * <p><b>Counts.</b> Each context holds 14 cumulative counts L[0..13], all 0 at first: symbol s takes [L[s] + s,
 * L[s + 1] + s + 1) of a total L[13] + 13 (so each symbol at least 1). After coding s, L[i] += 32 for every i > s;
 * then if L[13] reaches 2^14, every L[i] is halved, rounding down: the counts forget slowly, as OCI1's
 * probabilities do. (L[13] is a multiple of 32 below 2^14, so the coder's reciprocals of the 512 possible totals
 * come from a table.) The binary decisions adapt as OCI1's ({@link BitContexts}). Every stream of a
 * message shares all contexts.
 */
final class IntegerModel2 {

    /** Head symbols 0..11 for magnitudes below 16; then the escape. */
    static final int ESCAPE = 12;
    private static final int SYMBOLS = ESCAPE + 1;
    private static final int HEAD_LIMIT = 16;
    /** Bit lengths of escaped magnitudes start here. */
    private static final int ESCAPE_LENGTH = 5;
    private static final int INCREMENT = 32;
    /** When the counts reach this total, they are halved. */
    private static final int HALVING_TOTAL = 1 << 14;
    private static final int CONTEXTS = IntegerModel.CONTEXTS;

    /** The symbol of each magnitude below HEAD_LIMIT, and the escape at index HEAD_LIMIT. */
    private static final int[] SYMBOL = new int[HEAD_LIMIT + 1];
    /** Row s: the increments of the count lanes after symbol s (16-bit lanes, 4 a word, lane i at bits 16 (i % 4)). */
    private static final long[] INCREMENTS = new long[SYMBOLS * 4];
    /** Index k: RangeEncoder.reciprocal of the total 32 k + 13. */
    private static final long[] RECIPROCAL = new long[HALVING_TOTAL / INCREMENT];

    static {
        for (int m = 0; m < HEAD_LIMIT; m++) {
            SYMBOL[m] = m < 8 ? m : 8 + ((m >>> 1) & 3);
        }
        SYMBOL[HEAD_LIMIT] = ESCAPE;
        for (int s = 0; s < SYMBOLS; s++) {
            for (int i = s + 1; i <= SYMBOLS; i++) {
                INCREMENTS[s * 4 + i / 4] += (long) INCREMENT << (16 * (i % 4));
            }
        }
        for (int k = 0; k < RECIPROCAL.length; k++) {
            RECIPROCAL[k] = RangeEncoder.reciprocal(k * INCREMENT + SYMBOLS);
        }
    }

    /** Per context, 4 words of 4 16-bit lanes: lane i is L[i] (so one symbol updates a context in 4 additions). */
    private final long[] lanes = new long[CONTEXTS * 4];
    private final BitContexts lengths = new BitContexts(CONTEXTS * 32);
    private final BitContexts first = new BitContexts(CONTEXTS * 32);
    private final BitContexts second = new BitContexts(32);

    /**
     * Codes one line of a stream, {@code line[0 .. lineLength)}; {@code previousLine16} is 16 x the previous line's
     * mean magnitude, -1 for a stream's first line. Returns this line's, for the next.
     */
    long encodeLine(RangeEncoder out, int[] line, int lineLength, long previousLine16) {
        long sum = 0;
        for (int col = 0; col < lineLength; col++) {
            int c = IntegerModel.context(sum, previousLine16, col);
            int v = line[col];
            int m = Math.abs(v);
            int s = symbol(m);
            // the direct bits in the symbol's step: the sign, then the lowest bit of a magnitude of 8 to 15
            int low = s >= 8 && s < ESCAPE ? 1 : 0;
            long below = cumulative(c, s);
            out.encodeSymbol(below + s, cumulative(c, s + 1) - below + 1, reciprocal(c), (v >>> 31) << low | (m & low),
                    low + (m != 0 ? 1 : 0));
            adapt(c, s);
            if (s == ESCAPE) {
                encodeEscaped(out, c, m);
            }
            sum += Math.min(m, IntegerModel.MAGNITUDE_CAP);
        }
        return 16 * sum / lineLength;
    }

    private void encodeEscaped(RangeEncoder out, int c, int m) {
        int b = 32 - Integer.numberOfLeadingZeros(m);
        for (int i = ESCAPE_LENGTH; i < IntegerModel.MAX_LENGTH; i++) {
            int more = i < b ? 1 : 0;
            lengths.encode(out, c * 32 + i, more);
            if (more == 0) {
                break;
            }
        }
        first.encode(out, c * 32 + b, (m >>> (b - 2)) & 1);
        second.encode(out, b, (m >>> (b - 3)) & 1);
        out.encodeDirect(m & ((1 << (b - 3)) - 1), b - 3);
    }

    /** Decodes into values[0 .. length), lines of {@code lineLength}. */
    void decode(RangeDecoder in, int[] values, int length, int lineLength) {
        long previousLine16 = -1;
        for (int start = 0; start < length; start += lineLength) {
            previousLine16 = decodeLine(in, values, start, lineLength, previousLine16);
        }
    }

    /** The inverse of {@link #encodeLine}, into values[from .. from + lineLength). */
    private long decodeLine(RangeDecoder in, int[] values, int from, int lineLength, long previousLine16) {
        long sum = 0;
        for (int col = 0; col < lineLength; col++) {
            int c = IntegerModel.context(sum, previousLine16, col);
            long reciprocal = reciprocal(c);
            long target = in.symbolTarget(reciprocal, cumulative(c, SYMBOLS) + SYMBOLS);
            int s = 0;
            while (cumulative(c, s + 1) + s + 1 <= target) {
                s++;
            }
            int low = s >= 8 && s < ESCAPE ? 1 : 0;
            long below = cumulative(c, s);
            int bits = in.consumeSymbol(below + s, cumulative(c, s + 1) - below + 1, reciprocal, low + (s != 0 ? 1 : 0));
            adapt(c, s);
            int m = s == ESCAPE ? decodeEscaped(in, c) : s < 8 ? s : (4 | (s & 3)) << 1 | (bits & 1);
            values[from + col] = (bits >>> low) == 1 ? -m : m;
            sum += Math.min(m, IntegerModel.MAGNITUDE_CAP);
        }
        return 16 * sum / lineLength;
    }

    private int decodeEscaped(RangeDecoder in, int c) {
        int b = ESCAPE_LENGTH;
        while (b < IntegerModel.MAX_LENGTH && lengths.decode(in, c * 32 + b) == 1) {
            b++;
        }
        int m = 2 | first.decode(in, c * 32 + b);
        m = m << 1 | second.decode(in, b);
        return m << (b - 3) | in.decodeDirect(b - 3);
    }

    /** The symbol of magnitude m. */
    static int symbol(int m) {
        return SYMBOL[Math.min(m, HEAD_LIMIT)];
    }

    /** L[i] of context c. */
    long cumulative(int c, int i) {
        return (lanes[c * 4 + (i >>> 2)] >>> ((i & 3) << 4)) & 0xFFFF;
    }

    /** RangeEncoder.reciprocal of context c's total, L[13] + 13 (L[13] is a multiple of 32, below 2^14). */
    private long reciprocal(int c) {
        return RECIPROCAL[(int) cumulative(c, SYMBOLS) / INCREMENT];
    }

    /** Counts symbol s in context c. */
    private void adapt(int c, int s) {
        int w = c * 4;
        lanes[w] += INCREMENTS[s * 4];
        lanes[w + 1] += INCREMENTS[s * 4 + 1];
        lanes[w + 2] += INCREMENTS[s * 4 + 2];
        lanes[w + 3] += INCREMENTS[s * 4 + 3];
        if (cumulative(c, SYMBOLS) == HALVING_TOTAL) {
            for (int i = w; i < w + 4; i++) {
                lanes[i] = (lanes[i] >>> 1) & 0x7FFF_7FFF_7FFF_7FFFL;
            }
        }
    }
}
