package occam.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** The block's feed-forward part: dense to d_mlp, GELU (tanh approximation), dense back to d_model. */
final class Mlp {

    /** 2 sqrt(2/pi) and 2 sqrt(2/pi) 0.044715: the tanh approximation's constants, doubled (see geluTanh). */
    private static final double C1 = 2 * Math.sqrt(2 / Math.PI);
    private static final double C3 = C1 * 0.044715;

    private Mlp() {}

    /** @param x (B, T, d) @return (B, T, d) */
    static NDArray forward(Weights w, String prefix, NDArray x) {
        NDArray hidden = geluTanh(Attention.dense(x, w, prefix + "mlp.in")); // (B, T, d_mlp)
        return Attention.dense(hidden, w, prefix + "mlp.out");
    }

    /**
     * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), written as x sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)) (the
     * same function, since 0.5 (1 + tanh z) = sigmoid(2 z)) to save element-wise passes. DJL's gelu is the exact
     * (erf) one.
     */
    static NDArray geluTanh(NDArray x) {
        return Activation.sigmoid(x.square().mul(Scalars.of(x, C3)).add(Scalars.of(x, C1)).mul(x)).mul(x); // (.., d_mlp)
    }
}
