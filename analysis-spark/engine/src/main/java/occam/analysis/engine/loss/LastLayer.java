package occam.analysis.engine.loss;

import java.util.Arrays;

/**
 * The last layer when it is not the first. Only the last position's output is read (by the output layer), so
 * only its query is computed, and keys and values are never formed: per head, q_h.k_hj = (Wk_h q_h).x_j +
 * q_h.bk_h, whose second term is the same for every key and cancels in the softmax (dropped), and
 * sum_j w_hj (x_j Wv_h + bv_h) = (sum_j w_hj x_j) Wv_h + bv_h. Per example: 3 d x d products instead of 2T + 2.
 */
final class LastLayer {

    private LastLayer() {}

    /** ws.b [n T][d] in; ws.b [n][d], the last position of each example, out. */
    static void forward(Pass p, int layer) {
        Workspace ws = p.ws();
        Weights w = p.weights();
        String l = Pass.layer(layer);
        int n = p.slots().examples();
        int seqLen = p.seqLen();
        int d = p.d();
        int dh = p.dh();
        float[][] in = ws.b; // [n T][d]
        for (int ex = 0; ex < n; ex++) {
            ws.lastRows[ex] = in[ex * seqLen + seqLen - 1];
        }
        float[][] last = ws.lastRows; // [n][d]
        w.linear(l + "attn.query").apply(last, n, ws.query, ws.scratch);
        float[][] wk = w.linear(l + "attn.key").dense(); // [d][d]
        Linear valueLayer = w.linear(l + "attn.value");
        float[][] wv = valueLayer.dense(); // [d][d]
        float[][] keyT = new float[dh][d]; // Wk_h^T
        float[][] valueHead = new float[d][dh]; // Wv_h
        float[] valueBias = new float[dh]; // bv_h
        for (int h = 0; h < p.spec().numHeads(); h++) {
            int off = h * dh;
            for (int c = 0; c < d; c++) {
                for (int k = 0; k < dh; k++) {
                    keyT[k][c] = wk[c][off + k];
                    valueHead[c][k] = wv[c][off + k];
                }
            }
            System.arraycopy(valueLayer.bias, off, valueBias, 0, dh);
            for (int ex = 0; ex < n; ex++) {
                System.arraycopy(ws.query[ex], off, ws.headRows[ex], 0, dh);
            }
            Gemm.multiply(ws.headRows, n, keyT, dh, d, null, ws.key); // [n][d]: Wk_h q_h per example
            mixInputs(p, in);
            Gemm.multiply(ws.value, n, valueHead, d, dh, valueBias, ws.headRows2); // [n][dh]
            for (int ex = 0; ex < n; ex++) {
                System.arraycopy(ws.headRows2[ex], 0, ws.attention[ex], off, dh);
            }
        }
        Block.addAttention(p, l, n, last);
        Block.addMlp(p, l, n);
    }

    /** ws.value [n][d] = sum_j w_j x_j, w = softmax_j((Wk_h q_h).x_j / sqrt(dh)), from ws.key [n][d] = Wk_h q_h. */
    private static void mixInputs(Pass p, float[][] in) {
        Workspace ws = p.ws();
        int seqLen = p.seqLen();
        int d = p.d();
        float scale = p.scale();
        double[] e = new double[seqLen]; // the attention weights
        float[][] partial = Gemm.dotsScratch();
        float[] weights = new float[seqLen];
        float[][] rows = new float[seqLen][]; // x_j
        for (int ex = 0; ex < p.slots().examples(); ex++) {
            for (int j = 0; j < seqLen; j++) {
                rows[j] = in[ex * seqLen + j];
            }
            Gemm.dots(ws.key[ex], rows, seqLen, d, e, partial);
            for (int j = 0; j < seqLen; j++) {
                e[j] *= scale;
            }
            Softmax.inPlace(e, seqLen);
            for (int j = 0; j < seqLen; j++) {
                weights[j] = (float) e[j];
            }
            float[] mix = ws.value[ex];
            Arrays.fill(mix, 0, d, 0f);
            Gemm.weightedSum(weights, rows, seqLen, d, mix);
        }
    }
}
