package occam.schemas;

import java.util.Arrays;

/**
 * A named tensor of the model and its shape. 2-D weights are stored [in, out], so a layer computes
 * {@code y = x W + b}.
 */
public record TensorSpec(String name, int[] shape) {

    public TensorSpec {
        shape = shape.clone();
    }

    /** Elements in the tensor: the product of the shape. */
    public long elementCount() {
        return elementCount(shape);
    }

    /** A weight matrix: the spectral penalty, the low-rank truncation and the spectra apply to these. */
    public boolean isMatrix() {
        return shape.length == 2;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
