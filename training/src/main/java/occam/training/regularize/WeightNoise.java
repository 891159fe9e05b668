package occam.training.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import occam.training.model.Weights;

/**
 * Fresh Gaussian noise on every parameter for one gradient evaluation (paper section 4.1). The noisy copy is built
 * inside the gradient collector as {@code noise + w}, so the gradient taken at the noisy point lands on the clean
 * {@code w}, which the optimizer then updates.
 */
public final class WeightNoise {

    private final double std;

    public WeightNoise(double std) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("noise std(" + std + ") < 0");
        }
        this.std = std;
    }

    public double std() {
        return std;
    }

    /** {@code w + N(0, std^2)} for every tensor, on {@code step} (the noise comes from the engine's seeded RNG). */
    public Weights perturb(Weights clean, NDManager step) {
        if (std == 0) {
            return clean;
        }
        Map<String, NDArray> noisy = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : clean.arrays().entrySet()) {
            NDArray w = e.getValue();
            NDArray noise = step.randomNormal(0f, (float) std, w.getShape(), w.getDataType(), w.getDevice());
            noisy.put(e.getKey(), noise.add(w));
        }
        return clean.with(noisy);
    }
}
