package occam.training.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import occam.schemas.ModelSpec;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;

/**
 * The initialization of the authors' Flax code, drawn in Java so it is the same on every device and engine:
 * embeddings N(0, 1/d_model); dense weights LeCun normal (a normal truncated at two standard deviations, rescaled
 * so its standard deviation is 1/sqrt(fan_in)); biases 0; LayerNorm gains 1 and biases 0.
 */
public final class Initializer {

    /** Standard deviation of a standard normal truncated to [-2, 2] (JAX divides by it). */
    static final double TRUNCATED_STD = 0.87962566103423978;

    private Initializer() {}

    /** Every tensor of {@code spec}, in canonical order, from one random stream seeded with {@code seed}. */
    public static Map<String, Tensor> initialize(ModelSpec spec, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorSpec t : spec.tensors()) {
            int[] shape = t.shape();
            float[] values = new float[(int) t.elementCount()];
            String name = t.name();
            if (name.startsWith("embed.")) {
                double std = 1.0 / Math.sqrt(spec.dModel());
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (std * random.nextGaussian());
                }
            } else if (t.isMatrix()) {
                // weights are [in, out]: fan_in is the first dimension
                double std = 1.0 / Math.sqrt(shape[0]) / TRUNCATED_STD;
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (std * truncatedNormal(random));
                }
            } else if (name.endsWith(".gain")) {
                java.util.Arrays.fill(values, 1f);
            }
            out.put(name, new Tensor(shape, values));
        }
        return out;
    }

    /** A standard normal conditioned on [-2, 2], by rejection (about 4.6% of draws are rejected). */
    static double truncatedNormal(SplittableRandom random) {
        while (true) {
            double z = random.nextGaussian();
            if (z >= -2 && z <= 2) {
                return z;
            }
        }
    }
}
