package occam.training.imports;

import java.util.Arrays;

/**
 * A tensor as a checkpoint file holds it, already widened or narrowed to float32 (row-major values).
 *
 * @param dtype the file's element type before conversion: float32, float16, bfloat16 or float64
 */
public record SourceTensor(String name, int[] shape, String dtype, float[] values) {

    public SourceTensor {
        shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + values.length);
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + dtype;
    }
}
