package occam.training.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;
import occam.training.model.Weights;

/**
 * Fresh Gaussian noise on every parameter for one gradient evaluation (paper section 4.1). The noisy copy is built
 * inside the gradient collector as {@code noise + w}, so the gradient taken at the noisy point lands on the clean
 * {@code w}, which the optimizer then updates.
 *
 * <p>Update t draws its noise from the engine's generator freshly seeded with a mix of the run's noise seed and t,
 * so the noise of every update follows from two numbers: a run resumed from a checkpoint draws exactly the noise it
 * would have drawn without stopping, with no generator state to save.
 */
public final class WeightNoise {

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private final double std;
    private final long seed;

    public WeightNoise(double std, long seed) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("noise std(" + std + ") < 0");
        }
        this.std = std;
        this.seed = seed;
    }

    public double std() {
        return std;
    }

    public long seed() {
        return seed;
    }

    /** {@code w + N(0, std^2)} for every tensor, on {@code step}: the noise of update number {@code update}. */
    public Weights perturb(Weights clean, NDManager step, long update) {
        if (std == 0) {
            return clean;
        }
        JniUtils.setSeed(streamSeed(seed, update));
        Map<String, NDArray> noisy = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : clean.arrays().entrySet()) {
            NDArray w = e.getValue();
            NDArray noise = step.randomNormal(0f, (float) std, w.getShape(), w.getDataType(), w.getDevice());
            noisy.put(e.getKey(), noise.add(w));
        }
        return clean.with(noisy);
    }

    /** The engine seed of update {@code update}: SplitMix64's output of the update's position in a gamma-spaced sequence. */
    static long streamSeed(long seed, long update) {
        long z = seed + update * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
