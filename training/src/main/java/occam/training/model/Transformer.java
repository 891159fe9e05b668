package occam.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

/**
 * The forward pass and loss of {@code decoder-postln-v1} (see {@link occam.schemas.ModelSpec}): token + position
 * embedding, the decoder layers, and the output layer on the last position.
 */
public final class Transformer {

    private Transformer() {}

    /**
     * @param tokens (B, T) int64
     * @return logits of the last position (B, V)
     */
    public static NDArray logits(Weights w, NDArray tokens) {
        int layers = w.spec().numLayers();
        NDArray x = Embedding.embedding(tokens, w.get("embed.token"), SparseFormat.DENSE).singletonOrThrow() // (B, T, d)
                .add(w.positions());
        for (int layer = 0; layer < layers; layer++) {
            boolean lastOnly = layer == layers - 1;
            String prefix = "layers." + layer + ".";
            Attention.Projections qkv = layer == 0
                    ? Attention.projectEmbedded(w, prefix, tokens, lastOnly)
                    : Attention.project(w, prefix, x, lastOnly);
            x = Block.forward(w, layer, x, qkv, lastOnly);
        }
        NDArray last = x.squeeze(1); // (B, d)
        return Attention.dense(last, w, "output"); // (B, V)
    }

    /**
     * Cross-entropy (nats) per example with p(y|x) clipped to [clip, 1 - clip], as the authors' code did; the clip is
     * applied to log p, which is the same function.
     *
     * @param logits (B, V)
     * @param labels (B) int64
     * @return (B)
     */
    public static NDArray losses(NDArray logits, NDArray labels, double clip) {
        long b = logits.getShape().get(0);
        NDArray logp = logits.logSoftmax(1).gather(labels.reshape(b, 1), 1).reshape(b); // (B)
        return logp.clip(Math.log(clip), Math.log1p(-clip)).neg();
    }

    /** Mean of {@link #losses}. */
    public static NDArray loss(NDArray logits, NDArray labels, double clip) {
        return losses(logits, labels, clip).mean();
    }

    /** 1 where the arg-max of the logits is the label, else 0 (B), float32. */
    public static NDArray correct(NDArray logits, NDArray labels) {
        return logits.argMax(1).eq(labels).toType(DataType.FLOAT32, false);
    }
}
