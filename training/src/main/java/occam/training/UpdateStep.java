package occam.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Map;
import occam.training.model.Transformer;
import occam.training.model.Weights;
import occam.training.optim.AdamW;
import occam.training.regularize.SpectralPenalty;
import occam.training.regularize.WeightNoise;
import occam.training.task.Dataset;

/** One update of the model: the loop's inner step, with its per-step memory scope. */
final class UpdateStep {
    private final Dataset data;
    private final NDManager manager;
    private final Weights weights;
    private final AdamW optimizer;
    private final WeightNoise noise;
    private final SpectralPenalty penalty;
    private final double clip;
    private long penaltyNanos;

    UpdateStep(Dataset data, NDManager manager, Weights weights, AdamW optimizer, WeightNoise noise,
            SpectralPenalty penalty, double clip) {
        this.data = data;
        this.manager = manager;
        this.weights = weights;
        this.optimizer = optimizer;
        this.noise = noise;
        this.penalty = penalty;
        this.clip = clip;
    }

    /** @return the minibatch loss (nats) at the weights the gradient was taken at */
    double run(int[] ids) {
        double loss;
        // the scope closes every intermediate of the step, including those DJL attaches to the weights'
        // manager (ops whose first operand is a weight); the step's own arrays live in a sub-manager
        try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
            NDArray tokens = step.create(data.tokens(ids), new Shape(ids.length, 4)); // (B, 4)
            NDArray labels = step.create(data.labels(ids)); // (B)
            SpectralPenalty.Pending pending = null;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                Weights at = noise.perturb(weights, step, optimizer.steps() + 1);
                if (penalty != null) {
                    pending = penalty.start(at, step); // decomposes on its own thread meanwhile
                }
                NDArray l = Transformer.loss(Transformer.logits(at, tokens), labels, clip);
                collector.backward(l);
                loss = l.getFloat();
            }
            if (!Double.isFinite(loss)) {
                if (pending != null) {
                    SpectralPenalty.discard(pending);
                }
                return loss; // no update: the caller reports the divergence
            }
            if (pending != null) {
                long t0 = System.nanoTime();
                pending.addGradients(weights, step); // waits for the decomposition
                penaltyNanos += System.nanoTime() - t0;
            }
        }
        // outside the scope: AdamW creates its moment buffers at the first update and they must outlive it
        optimizer.beginStep();
        for (Map.Entry<String, NDArray> e : weights.arrays().entrySet()) {
            NDArray w = e.getValue();
            try (NDArray grad = w.getGradient()) {
                optimizer.update(e.getKey(), w, grad);
            }
            JniUtils.zeroGrad((PtNDArray) w);
        }
        return loss;
    }

    long takePenaltyNanos() {
        long n = penaltyNanos;
        penaltyNanos = 0;
        return n;
    }
}
