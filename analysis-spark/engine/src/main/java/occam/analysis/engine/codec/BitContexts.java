package occam.analysis.engine.codec;

import java.util.Arrays;

/**
 * Adaptive probabilities of binary decisions, one per context: every decision of OCI1, and those of OCI2's escaped
 * values. Each context holds p0, the probability of a 0 in units of 2^-15 (start 2^14), and a count n (start 0).
 * After coding bit x: with r = floor(2^16 / (n + 2)), p0 += floor((2^15 - p0) r / 2^16) if x = 0, else p0 -=
 * floor(p0 r / 2^16); then n = min(n + 1, {@value #COUNT_LIMIT}). Until the limit this is the Krichevsky-Trofimov
 * estimate (zeros + 1/2) / (n + 1); after it, an exponential average that follows slow drift. p0 stays in [1, 2^15
 * - 1], as the range coder needs.
 */
final class BitContexts {

    private static final int COUNT_LIMIT = 255;

    private static final int[] RATE = new int[COUNT_LIMIT + 1];

    static {
        for (int n = 0; n <= COUNT_LIMIT; n++) {
            RATE[n] = (1 << 16) / (n + 2);
        }
    }

    private final int[] p0;
    private final int[] count;

    BitContexts(int contexts) {
        p0 = new int[contexts];
        count = new int[contexts];
        Arrays.fill(p0, RangeEncoder.ONE / 2);
    }

    int p0(int ctx) {
        return p0[ctx];
    }

    /** Adapts context {@code ctx} to the bit just coded. */
    void update(int ctx, int bit) {
        int n = count[ctx];
        int r = RATE[n];
        int p = p0[ctx];
        p0[ctx] = bit == 0 ? p + (((RangeEncoder.ONE - p) * r) >>> 16) : p - ((p * r) >>> 16);
        if (n < COUNT_LIMIT) {
            count[ctx] = n + 1;
        }
    }

    /** Codes {@code bit} in context {@code ctx} and adapts it. */
    void encode(RangeEncoder out, int ctx, int bit) {
        out.encode(bit, p0[ctx]);
        update(ctx, bit);
    }

    /** Decodes a bit in context {@code ctx} and adapts it. */
    int decode(RangeDecoder in, int ctx) {
        int bit = in.decode(p0[ctx]);
        update(ctx, bit);
        return bit;
    }
}
