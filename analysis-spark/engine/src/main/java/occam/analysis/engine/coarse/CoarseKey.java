package occam.analysis.engine.coarse;

import java.util.Arrays;

/**
 * What identifies a coarse model of one checkpoint: the rank kept per 2-D weight (in model-spec order, -1 when
 * the matrix is kept dense) and Delta. Different tau often keep the same ranks; equal keys are the same model, so
 * the search evaluates and compresses each key once.
 */
public record CoarseKey(int[] ranks, double delta) {

    public CoarseKey {
        ranks = ranks.clone();
    }

    @Override
    public int[] ranks() {
        return ranks.clone();
    }

    public int rank(int matrixIndex) {
        return ranks[matrixIndex];
    }

    public int matrixCount() {
        return ranks.length;
    }

    /** The {@code ranks_kept} column: ranks comma separated, {@code dense} for matrices kept whole. */
    public String ranksKept() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ranks.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(ranks[i] < 0 ? "dense" : Integer.toString(ranks[i]));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoarseKey k && Arrays.equals(ranks, k.ranks) && Double.compare(delta, k.delta) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ranks) + Double.hashCode(delta);
    }

    @Override
    public String toString() {
        return "[" + ranksKept() + "] Delta=" + delta;
    }
}
