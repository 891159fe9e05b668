package occam.analysis.engine.loss;

/**
 * Layer 0 from its {@link SlotTables}. Per example and asking position t (every position, or the last when layer 0
 * is also the last): attention weights w_hj = softmax_j(scores[h][slot_t][slot_j]), then
 * r = x_t + b_o + sum_{h,j} w_hj (v_hj Wo_h), LN1(r) into ws.a, and the MLP's first product
 * inv_std(r) * (P(x_t + b_o) + sum_{h,j} w_hj P(v_hj Wo_h)) + b1 W_in + b_in into ws.mlp: 2 H T vector additions
 * per row instead of the d x d and d x F products; an example's asking positions share one pass over its H T rows
 * v_hj Wo_h and P(v_hj Wo_h). Then the MLP half of the layer, into ws.b.
 */
final class FirstLayer {

    /**
     * Rows computed together through the MLP: the chunk's activations stay in cache between the attention, the
     * GELU and the output product (the whole split's, 31 MB for a 2-layer model, went to memory and back three times).
     */
    private static final int CHUNK_ROWS = 64;

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
        int rowsPerExample = seqLen - first;
        float[][] weights = new float[rowsPerExample][heads * seqLen]; // per asking position, w_hj, h-major
        float[][] valueRows = new float[heads * seqLen][]; // v_hj Wo_h
        float[][] mlpRows = new float[heads * seqLen][]; // P(v_hj Wo_h)
        float[][] outRows = new float[rowsPerExample][]; // the example's rows of ws.a
        float[][] preRows = new float[rowsPerExample][]; // and of ws.mlp
        int[] order = slots.examplesBySlots();
        int perChunk = Math.max(1, CHUNK_ROWS / rowsPerExample);
        float[][] aRows = new float[perChunk * rowsPerExample][]; // views of ws.a's rows of the chunk
        float[][] bRows = new float[perChunk * rowsPerExample][];
        for (int start = 0; start < order.length; start += perChunk) {
            int m = 0; // the chunk's row: its MLP activations are ws.mlp[m]
            for (int i = start; i < Math.min(order.length, start + perChunk); i++) {
                int ex = order[i];
                int[] exSlots = slots.slotsOf(ex); // [T]
                // every asking position mixes the same rows (the example's keys), each with its own weights
                int count = 0;
                for (int h = 0; h < heads; h++) {
                    for (int j = 0; j < seqLen; j++, count++) {
                        valueRows[count] = ws.valueOut[h][exSlots[j]];
                        mlpRows[count] = ws.valueMlp[h][exSlots[j]];
                    }
                }
                for (int u = 0; u < rowsPerExample; u++, m++) {
                    int q = tables.queryRow[exSlots[first + u]];
                    int r = ex * rowsPerExample + u;
                    outRows[u] = ws.a[r]; // [d]
                    preRows[u] = ws.mlp[m]; // [F]
                    aRows[m] = ws.a[r];
                    bRows[m] = ws.b[r];
                    int k = 0;
                    for (int h = 0; h < heads; h++) {
                        float[] scores = ws.scores[h][q]; // [S]
                        for (int j = 0; j < seqLen; j++) {
                            e[j] = scores[exSlots[j]];
                        }
                        Softmax.inPlace(e, seqLen);
                        for (int j = 0; j < seqLen; j++, k++) {
                            weights[u][k] = (float) e[j];
                        }
                    }
                    System.arraycopy(bo, 0, outRows[u], 0, d);
                    System.arraycopy(ws.queryMlp[q], 0, preRows[u], 0, f);
                }
                Gemm.weightedSums(weights, valueRows, count, d, outRows, rowsPerExample);
                Gemm.weightedSums(weights, mlpRows, count, f, preRows, rowsPerExample);
                for (int u = 0; u < rowsPerExample; u++) {
                    float[] o = outRows[u];
                    float[] pre = preRows[u];
                    float[] x = ws.slotInput[exSlots[first + u]];
                    for (int c = 0; c < d; c++) {
                        o[c] += x[c];
                    }
                    float inv = (float) LayerNorm.apply(o, g1, b1, eps);
                    for (int c = 0; c < f; c++) {
                        pre[c] = Math.fma(pre[c], inv, mlpBias[c]);
                    }
                }
            }
            Block.addMlp(p, l, aRows, ws.mlp, bRows, m, true);
        }
    }
}
