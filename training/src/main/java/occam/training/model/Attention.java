package occam.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

/** Full (non-causal) multi-head self-attention with biased query, key, value and output projections. */
final class Attention {

    private Attention() {}

    /** Queries at the asking positions (B, Tq, d); keys and values at every position (B, T, d). */
    record Projections(NDArray query, NDArray key, NDArray value) {}

    /**
     * Projections of a layer's input {@code x} (B, T, d).
     *
     * @param lastOnly only the last position asks (the final layer, whose other outputs nothing reads)
     */
    static Projections project(Weights w, String prefix, NDArray x, boolean lastOnly) {
        NDArray xq = lastOnly ? x.get(":, -1:, :") : x; // (B, Tq, d)
        String p = prefix + "attn.";
        return new Projections(dense(xq, w, p + "query"), dense(x, w, p + "key"), dense(x, w, p + "value"));
    }

    /**
     * Projections of the first layer, whose input is {@code token_emb[tok] + pos_emb[pos]}. A projection is linear,
     * so {@code (token_emb[tok] + pos_emb[pos]) W + b = (token_emb W)[tok] + (pos_emb W)[pos] + b}: projecting the
     * V + T embedding rows once and looking them up is the same function at a fraction of the multiplications of
     * projecting B x T rows.
     *
     * @param tokens (B, T) int64
     */
    static Projections projectEmbedded(Weights w, String prefix, NDArray tokens, boolean lastOnly) {
        NDArray lastTokens = lastOnly ? tokens.get(":, -1:") : tokens; // (B, Tq)
        NDArray positions = w.positions(); // (T, d)
        NDArray lastPositions = lastOnly ? positions.get("-1:, :") : positions; // (Tq, d)
        String p = prefix + "attn.";
        return new Projections(
                lookup(w, p + "query", lastTokens, lastPositions),
                lookup(w, p + "key", tokens, positions),
                lookup(w, p + "value", tokens, positions));
    }

    /** (B, Tq, d) -> (B, Tq, d): softmax(q k^T / sqrt(d_head)) v per head, heads joined, output projection. */
    static NDArray forward(Weights w, String prefix, Projections qkv, int numHeads) {
        Shape kShape = qkv.key().getShape();
        long b = kShape.get(0);
        long t = kShape.get(1);
        long d = kShape.get(2);
        long tq = qkv.query().getShape().get(1);
        long dHead = d / numHeads;
        NDArray q = qkv.query().reshape(b, tq, numHeads, dHead).transpose(0, 2, 1, 3); // (B, H, Tq, dh)
        NDArray k = qkv.key().reshape(b, t, numHeads, dHead).transpose(0, 2, 3, 1); // (B, H, dh, T)
        NDArray v = qkv.value().reshape(b, t, numHeads, dHead).transpose(0, 2, 1, 3); // (B, H, T, dh)
        NDArray scores = q.matMul(k).mul(Scalars.of(q, 1 / Math.sqrt(dHead))); // (B, H, Tq, T)
        NDArray heads = scores.softmax(-1).matMul(v); // (B, H, Tq, dh)
        NDArray joined = heads.transpose(0, 2, 1, 3).reshape(new Shape(b, tq, d)); // (B, Tq, d)
        return dense(joined, w, prefix + "attn.output");
    }

    /** {@code x W + b} for the tensors {@code name.weight} [in, out] and {@code name.bias} [out]. */
    static NDArray dense(NDArray x, Weights w, String name) {
        return x.matMul(w.get(name + ".weight")).add(w.get(name + ".bias"));
    }

    /** {@code (token_emb W)[tokens] + (positions W) + b}: (B, Tq) tokens, (Tq, d) positions -> (B, Tq, out). */
    private static NDArray lookup(Weights w, String name, NDArray tokens, NDArray positions) {
        NDArray weight = w.get(name + ".weight");
        NDArray tokenTable = w.get("embed.token").matMul(weight); // (V, out)
        NDArray positionTable = dense(positions, w, name); // (Tq, out), bias folded in
        return Embedding.embedding(tokens, tokenTable, SparseFormat.DENSE).singletonOrThrow().add(positionTable);
    }
}
