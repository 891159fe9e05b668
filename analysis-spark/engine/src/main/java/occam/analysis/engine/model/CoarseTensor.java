package occam.analysis.engine.model;

import java.util.Arrays;
import java.util.BitSet;

/**
 * One tensor of a coarse model, in float32, stored either dense (row-major values of {@code shape}) or, for a
 * matrix [m, n], as two factors: {@code left} [m, rank] (U diag(S)) and {@code right} [rank, n] (V^T), both
 * row-major, whose product is the matrix. Read-only by convention: the arrays are not copied.
 */
public final class CoarseTensor {

    private final String name;
    private final int[] shape;
    private final float[] values;
    private final int rank;
    private final float[] left;
    private final float[] right;
    /** {@link #liveTriplets}, once found (volatile: published whole to other threads). */
    private volatile BitSet live;

    private CoarseTensor(String name, int[] shape, float[] values, int rank, float[] left, float[] right) {
        this.name = name;
        this.shape = shape.clone();
        this.values = values;
        this.rank = rank;
        this.left = left;
        this.right = right;
    }

    /** A tensor kept whole. */
    public static CoarseTensor dense(String name, int[] shape, float[] values) {
        long expected = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " has a dimension <= 0");
            }
            expected *= d;
        }
        if (expected != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " needs " + expected
                    + " values, got " + values.length);
        }
        return new CoarseTensor(name, shape, values, -1, null, null);
    }

    /** A matrix [rows, cols] stored as left [rows, rank] times right [rank, cols]; rank 0 is the zero matrix. */
    public static CoarseTensor factored(String name, int rows, int cols, int rank, float[] left, float[] right) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("tensor '" + name + "': shape [" + rows + ", " + cols + "] has a dimension <= 0");
        }
        if (rank < 0 || rank > Math.min(rows, cols)) {
            throw new IllegalArgumentException("tensor '" + name + "': rank(" + rank + ") outside [0, " + Math.min(rows, cols) + "]");
        }
        if (left.length != (long) rows * rank || right.length != (long) rank * cols) {
            throw new IllegalArgumentException("tensor '" + name + "': factors of rank " + rank + " need " + (long) rows * rank + " + "
                    + (long) rank * cols + " values, got " + left.length + " + " + right.length);
        }
        return new CoarseTensor(name, new int[] {rows, cols}, null, rank, left, right);
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dimensions() {
        return shape.length;
    }

    public int rows() {
        return shape[0];
    }

    /** Columns of a matrix; 1 for a vector. */
    public int cols() {
        return shape.length == 2 ? shape[1] : 1;
    }

    public boolean isFactored() {
        return left != null;
    }

    /** Singular triplets kept; -1 when dense. */
    public int rank() {
        return rank;
    }

    /** Dense values; only when not factored. */
    public float[] values() {
        if (values == null) {
            throw new IllegalStateException("tensor '" + name + "' is factored: use left() and right()");
        }
        return values;
    }

    public float[] left() {
        requireFactored();
        return left;
    }

    public float[] right() {
        requireFactored();
        return right;
    }

    /**
     * The triplets of a factored matrix that add anything to the product: j such that column j of left and row j of
     * right both hold a nonzero. Quantization zeroes whole small triplets, so models of different ranks at one Delta
     * are often the same matrix.
     */
    public BitSet liveTriplets() {
        requireFactored();
        BitSet known = live;
        if (known == null) {
            // the analysis keys a model's loss by it and the loss applies it: found once per tensor (two threads at once
            // find the same)
            known = findLiveTriplets();
            live = known;
        }
        return (BitSet) known.clone();
    }

    private BitSet findLiveTriplets() {
        int rows = shape[0];
        int cols = shape[1];
        BitSet found = new BitSet(rank);
        for (int j = 0; j < rank; j++) {
            if (anyNonZero(left, j, rank, rows) && anyNonZero(right, j * cols, 1, cols)) {
                found.set(j);
            }
        }
        return found;
    }

    private static boolean anyNonZero(float[] values, int start, int stride, int count) {
        for (int i = 0, at = start; i < count; i++, at += stride) {
            if (values[at] != 0) {
                return true;
            }
        }
        return false;
    }

    /** Scalars stored: every value of a dense tensor, or rank x (m + n) for a factored matrix. */
    public long storedValues() {
        return isFactored() ? (long) left.length + right.length : values.length;
    }

    private void requireFactored() {
        if (left == null) {
            throw new IllegalStateException("tensor '" + name + "' is dense: use values()");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoarseTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape) && rank == t.rank
                && Arrays.equals(values, t.values) && Arrays.equals(left, t.left) && Arrays.equals(right, t.right);
    }

    @Override
    public int hashCode() {
        int h = name.hashCode();
        h = 31 * h + Arrays.hashCode(shape);
        h = 31 * h + rank;
        h = 31 * h + Arrays.hashCode(values);
        h = 31 * h + Arrays.hashCode(left);
        return 31 * h + Arrays.hashCode(right);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + (isFactored() ? " rank " + rank : " dense");
    }
}
