package occam.analysis.engine.loss;

/** A layer between the first and the last: every position of every example, as the model is written. */
final class MiddleLayer {

    private MiddleLayer() {}

    /** ws.b [n T][d] in, the same rows of the next layer's input out (through ws.a). */
    static void forward(Pass p, int layer) {
        Workspace ws = p.ws();
        Weights w = p.weights();
        String l = Pass.layer(layer);
        int seqLen = p.seqLen();
        int dh = p.dh();
        int heads = p.spec().numHeads();
        float scale = p.scale();
        int all = p.slots().examples() * seqLen;
        float[][] in = ws.b; // [n T][d]
        w.linear(l + "attn.key").apply(in, all, ws.key, ws.scratch);
        w.linear(l + "attn.value").apply(in, all, ws.value, ws.scratch);
        w.linear(l + "attn.query").apply(in, all, ws.query, ws.scratch);
        double[] e = new double[seqLen]; // one head's attention weights
        for (int r = 0; r < all; r++) {
            int ex = r / seqLen;
            float[] q = ws.query[r]; // [d]
            float[] att = ws.attention[r]; // [d], heads joined
            for (int h = 0; h < heads; h++) {
                int off = h * dh;
                for (int j = 0; j < seqLen; j++) {
                    e[j] = Floats.dot(q, off, ws.key[ex * seqLen + j], off, dh) * scale;
                }
                Softmax.inPlace(e, seqLen);
                for (int c = 0; c < dh; c++) {
                    att[off + c] = 0;
                }
                for (int j = 0; j < seqLen; j++) {
                    float wj = (float) e[j];
                    float[] v = ws.value[ex * seqLen + j];
                    for (int c = 0; c < dh; c++) {
                        att[off + c] = Math.fma(wj, v[off + c], att[off + c]);
                    }
                }
            }
        }
        Block.addAttention(p, l, all, in);
        Block.addMlp(p, l, all);
    }
}
