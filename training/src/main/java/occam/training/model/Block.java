package occam.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;

/** One post-LayerNorm decoder layer: {@code h = LN1(x + Attention(x)); out = LN2(h + Mlp(h))}. */
final class Block {

    private Block() {}

    /**
     * @param x the layer's input (B, T, d)
     * @param qkv the attention projections of {@code x}
     * @param lastOnly compute the output of the last position only (the final layer: nothing reads the others)
     * @return (B, T, d), or (B, 1, d) when {@code lastOnly}
     */
    static NDArray forward(Weights w, int layer, NDArray x, Attention.Projections qkv, boolean lastOnly) {
        String prefix = "layers." + layer + ".";
        float eps = (float) w.spec().layerNormEps();
        NDArray xq = lastOnly ? x.get(":, -1:, :") : x; // (B, Tq, d)
        NDArray attended = Attention.forward(w, prefix, qkv, w.spec().numHeads()); // (B, Tq, d)
        NDArray h = layerNorm(xq.add(attended), w, prefix + "norm1", eps);
        return layerNorm(h.add(Mlp.forward(w, prefix, h)), w, prefix + "norm2", eps);
    }

    /** (x - mean) / sqrt(biased variance + eps) * gain + bias over the last axis. */
    static NDArray layerNorm(NDArray x, Weights w, String name, float eps) {
        Shape last = new Shape(x.getShape().get(x.getShape().dimension() - 1));
        return LayerNorm.layerNorm(x, last, w.get(name + ".gain"), w.get(name + ".bias"), eps).singletonOrThrow();
    }
}
