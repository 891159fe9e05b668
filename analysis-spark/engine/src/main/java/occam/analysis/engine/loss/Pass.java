package occam.analysis.engine.loss;

import occam.schemas.ModelSpec;

/**
 * What every step of one forward pass reads: the spec's sizes, the split as vocabulary slots, the scratch arrays
 * and the model's weights.
 */
record Pass(ModelSpec spec, TokenSlots slots, Workspace ws, Weights weights) {

    /** d, the model width. */
    int d() {
        return spec.dModel();
    }

    /** dh, the width of one head. */
    int dh() {
        return spec.dHead();
    }

    /** T, the sequence length. */
    int seqLen() {
        return spec.seqLen();
    }

    /** 1 / sqrt(dh), in float as the scores are scaled. */
    float scale() {
        return (float) (1 / Math.sqrt(spec.dHead()));
    }

    /** Prefix of layer l's tensor names. */
    static String layer(int l) {
        return "layers." + l + ".";
    }
}
