package occam.analysis.engine.codec;

import java.util.HashMap;
import java.util.Map;
import occam.analysis.engine.model.CoarseTensor;

/**
 * The quantization step of every stored stream of a coarse model: one Delta for all (the paper's, {@link
 * #uniform}), or a Delta per tensor and per factor ({@link #with}). A stream holds the values of a dense tensor,
 * or the left or right factor of a factored one; each of its values must be Q(x, step) (see Quantizer) for the
 * integer codec to store its index. Step 0 means "not quantized": the stream is stored as raw float32.
 */
public final class StepSizes {

    private final double uniform;
    private final Map<String, double[]> perTensor;

    private StepSizes(double uniform, Map<String, double[]> perTensor) {
        this.uniform = uniform;
        this.perTensor = perTensor;
    }

    /** One Delta for every stream. */
    public static StepSizes uniform(double delta) {
        requireStep(delta, "uniform");
        return new StepSizes(delta, Map.of());
    }

    /**
     * A copy where tensor {@code name} has its own steps: {@code first} for its values (dense) or its left factor,
     * {@code right} for its right factor (ignored when dense).
     */
    public StepSizes with(String name, double first, double right) {
        requireStep(first, name);
        requireStep(right, name);
        Map<String, double[]> map = new HashMap<>(perTensor);
        map.put(name, new double[] {first, right});
        return new StepSizes(uniform, Map.copyOf(map));
    }

    /** The step of stream {@code stream} (0: values or left factor; 1: right factor) of {@code tensor}. */
    public double step(CoarseTensor tensor, int stream) {
        double[] own = perTensor.get(tensor.name());
        return own == null ? uniform : own[stream];
    }

    private static void requireStep(double step, String what) {
        if (!(step >= 0) || Double.isInfinite(step)) {
            throw new IllegalArgumentException("step size of " + what + " (" + step + ") must be finite and >= 0");
        }
    }

    @Override
    public String toString() {
        return "StepSizes[uniform " + uniform + (perTensor.isEmpty() ? "" : ", own steps for " + perTensor.keySet()) + "]";
    }
}
