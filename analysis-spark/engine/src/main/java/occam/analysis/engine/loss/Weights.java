package occam.analysis.engine.loss;

import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.model.CoarseTensor;

/** A coarse model's tensors by canonical name ({@link occam.schemas.ModelSpec#tensors()}), as the forward pass uses them. */
final class Weights {

    private final CoarseModel model;

    Weights(CoarseModel model) {
        this.model = model;
    }

    /** {@code prefix.weight} [in, out] and {@code prefix.bias} [out] as one layer. */
    Linear linear(String prefix) {
        CoarseTensor w = model.tensor(prefix + ".weight");
        float[] b = model.tensor(prefix + ".bias").values();
        return Linear.of(w, b);
    }

    /** A matrix as rows (multiplied out when factored). */
    float[][] dense(String name) {
        return Linear.of(model.tensor(name), null).dense();
    }

    /** A vector (a bias or a gain) that must have {@code length} values. */
    float[] vector(String name, int length) {
        float[] v = model.tensor(name).values();
        if (v.length != length) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + v.length + " values, expected " + length);
        }
        return v;
    }
}
