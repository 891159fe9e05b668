package occam.analysis.engine.loss;

import occam.analysis.engine.model.CoarseModel;
import occam.schemas.ModelSpec;

/**
 * One forward pass of the model family ({@link ModelSpec#ARCHITECTURE}) over the prepared split: the model's steps
 * in order. Shapes: n examples, T positions, d model width, H heads of dh, F MLP width, V vocabulary, S vocabulary
 * slots (distinct (position, token) pairs of the split: 2p + 2 for [a, op, b, =]).
 *
 * <p>Layer 0 shares its work across examples ({@link SlotTables}, then {@link FirstLayer}); the layers between
 * run every position ({@link MiddleLayer}); the last layer computes only the last position, the only one the
 * output layer reads ({@link LastLayer}). What remains per example is dense products over all examples at once
 * ({@link Gemm}).
 *
 * <p>Arithmetic: float32 storage, products (fma chains) and LayerNorm sums; 1/std, softmax and the loss in double.
 */
final class Forward {

    private final Pass pass;

    Forward(ModelSpec spec, TokenSlots slots, Workspace ws, CoarseModel model) {
        this.pass = new Pass(spec, slots, ws, new Weights(model));
    }

    LossResult run(int[] labels) {
        int vocab = logits();
        return CrossEntropy.of(pass.ws().logits, vocab, labels, pass.spec().probabilityClip());
    }

    /** Arg-max logit per example (first on ties). */
    int[] predictions() {
        int vocab = logits();
        int[] out = new int[pass.slots().examples()];
        for (int ex = 0; ex < out.length; ex++) {
            out[ex] = CrossEntropy.argMax(pass.ws().logits[ex], vocab);
        }
        return out;
    }

    /** Fills ws.logits [n][V] and returns V. */
    private int logits() {
        int layers = pass.spec().numLayers();
        FirstLayer.forward(pass, layers == 1);
        for (int l = 1; l < layers - 1; l++) {
            MiddleLayer.forward(pass, l);
        }
        if (layers > 1) {
            LastLayer.forward(pass, layers - 1);
        }
        // ws.b [n][d]: the last position of each example, from the last layer
        Linear output = pass.weights().linear("output");
        output.apply(pass.ws().b, pass.slots().examples(), pass.ws().logits, pass.ws().scratch);
        return output.out;
    }
}
