package occam.analysis.engine.loss;

/**
 * Layer 0 from its {@link SlotTables}. Per example and asking position t (every position, or the last when layer 0
 * is also the last): attention weights w_hj = softmax_j(scores[h][slot_t][slot_j]), then
 * r = x_t + b_o + sum_{h,j} w_hj (v_hj Wo_h), LN1(r) into ws.a, and the MLP's first product
 * inv_std(r) * (P(x_t + b_o) + sum_{h,j} w_hj P(v_hj Wo_h)) + b1 W_in + b_in into ws.mlp: 2 H T vector additions
 * per row instead of the d x d and d x F products. Then the MLP half of the layer, into ws.b.
 */
final class FirstLayer {

    private FirstLayer() {}

    /** ws.b [n Tq][d], example by example, Tq = 1 when {@code lastOnly}, else T. */
    static void forward(Pass p, boolean lastOnly) {
        SlotTables tables = SlotTables.compute(p, lastOnly);
        Workspace ws = p.ws();
        TokenSlots slots = p.slots();
        String l = Pass.layer(0);
        int d = p.d();
        int seqLen = p.seqLen();
        int heads = p.spec().numHeads();
        float[] bo = p.weights().vector(l + "attn.output.bias", d);
        float[] g1 = p.weights().vector(l + "norm1.gain", d);
        float[] b1 = p.weights().vector(l + "norm1.bias", d);
        double eps = p.spec().layerNormEps();
        float[] mlpBias = tables.mlpBias;
        int f = mlpBias.length;
        int first = lastOnly ? seqLen - 1 : 0;
        double[] e = new double[seqLen]; // one head's attention weights
        int r = 0;
        for (int ex = 0; ex < slots.examples(); ex++) {
            int[] exSlots = slots.slotsOf(ex); // [T]
            for (int t = first; t < seqLen; t++) {
                int slot = exSlots[t];
                int q = tables.queryRow[slot];
                float[] o = ws.a[r]; // [d]
                float[] pre = ws.mlp[r]; // [F]
                r++;
                System.arraycopy(bo, 0, o, 0, d);
                System.arraycopy(ws.queryMlp[q], 0, pre, 0, f);
                for (int h = 0; h < heads; h++) {
                    float[] scores = ws.scores[h][q]; // [S]
                    for (int j = 0; j < seqLen; j++) {
                        e[j] = scores[exSlots[j]];
                    }
                    Softmax.inPlace(e, seqLen);
                    float[][] vo = ws.valueOut[h];
                    float[][] vm = ws.valueMlp[h];
                    for (int j = 0; j < seqLen; j++) {
                        float w = (float) e[j];
                        float[] u = vo[exSlots[j]];
                        for (int c = 0; c < d; c++) {
                            o[c] = Math.fma(w, u[c], o[c]);
                        }
                        float[] um = vm[exSlots[j]];
                        for (int c = 0; c < f; c++) {
                            pre[c] = Math.fma(w, um[c], pre[c]);
                        }
                    }
                }
                float[] x = ws.slotInput[slot];
                for (int c = 0; c < d; c++) {
                    o[c] += x[c];
                }
                float inv = (float) LayerNorm.apply(o, g1, b1, eps);
                for (int c = 0; c < f; c++) {
                    pre[c] = Math.fma(pre[c], inv, mlpBias[c]);
                }
            }
        }
        Block.addMlp(p, l, r, true);
    }
}
