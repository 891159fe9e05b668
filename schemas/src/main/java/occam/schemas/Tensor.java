package occam.schemas;

import java.util.Arrays;

/** A float32 tensor: its shape and its row-major values. The value count must equal the shape's product. */
public record Tensor(int[] shape, float[] values) {

    public Tensor {
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a dimension <= 0");
            }
        }
        long expected = TensorSpec.elementCount(shape);
        if (expected != values.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " has " + expected + " elements but " + values.length + " values were given");
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The values themselves, not a copy: tensors are large and read-only by convention. */
    @Override
    public float[] values() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
