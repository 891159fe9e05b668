package occam.analysis.engine.loss;

import java.util.HashMap;
import java.util.Map;
import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.model.CoarseTensor;

/**
 * A coarse model's tensors by canonical name ({@link occam.schemas.ModelSpec#tensors()}), as the forward pass uses them.
 * Each layer is laid out in rows once per model: the first layer asks for its MLP per chunk of rows, and copying the
 * weights again for every chunk cost most of a loss evaluation's allocation.
 */
final class Weights {

    private final CoarseModel model;
    private final Map<String, Linear> linears = new HashMap<>();

    Weights(CoarseModel model) {
        this.model = model;
    }

    /** {@code prefix.weight} [in, out] and {@code prefix.bias} [out] as one layer. */
    Linear linear(String prefix) {
        return linears.computeIfAbsent(prefix, k -> {
            CoarseTensor w = model.tensor(k + ".weight");
            float[] b = model.tensor(k + ".bias").values();
            return Linear.of(w, b);
        });
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
