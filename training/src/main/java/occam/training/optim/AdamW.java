package occam.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * AdamW as PyTorch and optax define it:
 *
 * <pre>
 * m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2
 * w = w - lr (wd w + m_hat / (sqrt(v_hat) + eps)),   m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
 * </pre>
 *
 * It runs on DJL's fused native kernel, one call per parameter. That kernel writes the step as
 * {@code lr' m / (sqrt(v) + eps')}; with {@code lr' = lr sqrt(1 - b2^t) / (1 - b1^t)} and
 * {@code eps' = eps sqrt(1 - b2^t)} it is exactly the formula above (DJL's own AdamW leaves eps uncorrected).
 */
public final class AdamW {

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, NDArray[]> moments = new HashMap<>();
    private long step;

    public AdamW(double learningRate, double beta1, double beta2, double eps, double weightDecay) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate(" + learningRate + ") <= 0");
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas (" + beta1 + ", " + beta2 + ") outside [0, 1)");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps(" + eps + ") <= 0");
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay(" + weightDecay + ") < 0");
        }
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** Starts update number {@link #steps()} + 1: call once per minibatch, before the {@link #update}s. */
    public void beginStep() {
        step++;
    }

    /** Updates done (the bias corrections' t). */
    public long steps() {
        return step;
    }

    /** Each parameter's moment buffers {m, v}, by name (empty before the first update). */
    public Map<String, NDArray[]> moments() {
        return Collections.unmodifiableMap(moments);
    }

    /**
     * Continues from a saved state: {@code steps} updates done, and {@code name}'s moments. Call once per parameter
     * with the same {@code steps}; the buffers are created on the weight's manager, like the ones {@link #update}
     * creates.
     */
    public void restore(long steps, String name, NDArray weight, float[] m, float[] v) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps(" + steps + ") < 1: nothing to restore");
        }
        if (step != 0 && step != steps) {
            throw new IllegalStateException("restoring update " + steps + " into an optimizer at update " + step);
        }
        long n = weight.getShape().size();
        if (m.length != n || v.length != n) {
            throw new IllegalArgumentException(name + ": moments of " + m.length + " and " + v.length
                    + " values for a weight of " + n);
        }
        step = steps;
        moments.put(name, new NDArray[] {
            weight.getManager().create(m, weight.getShape()), weight.getManager().create(v, weight.getShape())});
    }

    /**
     * Applies this step to {@code weight} in place. The moment buffers are created on the weight's manager, so
     * they live as long as the weights.
     */
    public void update(String name, NDArray weight, NDArray grad) {
        if (step == 0) {
            throw new IllegalStateException("update before beginStep()");
        }
        NDArray[] mv = moments.computeIfAbsent(name, k -> new NDArray[] {weight.zerosLike(), weight.zerosLike()});
        double c1 = 1 - Math.pow(beta1, step);
        double sqrtC2 = Math.sqrt(1 - Math.pow(beta2, step));
        weight.getNDArrayInternal().adamUpdate(
                new NDList(weight, grad, mv[0], mv[1]),
                new NDList(weight),
                (float) learningRate,
                (float) (learningRate * sqrtC2 / c1),
                (float) weightDecay,
                1f, // no gradient rescaling
                -1f, // no clipping
                (float) beta1,
                (float) beta2,
                (float) (eps * sqrtC2),
                true,
                true); // decoupled (AdamW) weight decay
    }
}
