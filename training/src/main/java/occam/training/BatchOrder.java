package occam.training;

/**
 * The minibatch order: a fresh Fisher-Yates shuffle of the training ids every epoch, drawn from SplitMix64, the
 * generator of {@link java.util.SplittableRandom} (same seed, same numbers: tested). Its whole state is one long,
 * which each checkpoint's training state records, so a resumed run shuffles on exactly as it would have.
 */
final class BatchOrder {

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long state;

    private BatchOrder(long state) {
        this.state = state;
    }

    /** The generator {@code new SplittableRandom(seed)} would be. */
    static BatchOrder seeded(long seed) {
        return new BatchOrder(seed);
    }

    /** The generator whose {@link #state()} was {@code state}. */
    static BatchOrder restored(long state) {
        return new BatchOrder(state);
    }

    long state() {
        return state;
    }

    /** A Fisher-Yates shuffle of {@code ids}. */
    int[] permutation(int[] ids) {
        int[] out = ids.clone();
        for (int i = out.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    /** Uniform in [0, bound): SplittableRandom's bounded draw (a mask for powers of two, else rejection). */
    int nextInt(int bound) {
        int r = nextInt();
        int m = bound - 1;
        if ((bound & m) == 0) {
            return r & m;
        }
        for (int u = r >>> 1; u + m - (r = u % bound) < 0; u = nextInt() >>> 1) {
            // rejected: u fell in the incomplete last block
        }
        return r;
    }

    private int nextInt() {
        state += GOLDEN_GAMMA;
        long z = state;
        z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
        return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }
}
