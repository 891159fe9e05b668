package occam.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar constants for ops inside the autograd graph. DJL's {@code x.mul(2.0)} wraps 2.0 in a tensor over a Java
 * direct buffer and frees that buffer's owner right after the op, but autograd keeps the tensor for the backward
 * pass: once the garbage collector reclaims the buffer, the gradient reads freed memory (in training: NaN at a random
 * epoch). A tensor from {@code full} owns native memory that lives as long as any reference to it.
 */
final class Scalars {

    private Scalars() {}

    /** A 0-d tensor of {@code value} with {@code like}'s type, on its device. */
    static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }
}
