package occam.analysis.engine.loss;

import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.model.CoarseTensor;
import occam.schemas.ModelSpec;

/**
 * One forward pass of the model family ({@link ModelSpec#ARCHITECTURE}) over the prepared split.
 *
 * <p>Shapes: n examples, T positions, d model width, H heads of dh, F MLP width, V vocabulary, S vocabulary slots
 * (distinct (position, token) pairs of the split: 2p + 2 for [a, op, b, =]).
 *
 * <p>Work shared across examples: the first layer's inputs take only S values, so its keys, values and queries
 * are computed per slot, and so are the attention scores q.k/sqrt(dh) [H][Sq][S], each head's contribution
 * through the output projection v_head Wo_head [H][S][d] and that contribution's image through the MLP's first
 * product [H][S][F] (see {@link #firstLayer}). Per example the first layer then costs a softmax over T scores per
 * head, H x T vector additions and the MLP's second product. The last layer computes only the last position (the
 * only one the output layer reads), from the previous layer's rows directly ({@link #lastLayer}). What remains
 * per example is dense products over all examples at once, in {@link Gemm}.
 *
 * <p>Arithmetic: float32 storage, products (fma chains) and LayerNorm sums (eight partial sums); 1/std, softmax and
 * the loss in double.
 */
final class Forward {

    private final ModelSpec spec;
    private final TokenSlots slots;
    private final Workspace ws;
    private final CoarseModel model;
    private final int d;
    private final int heads;
    private final int dh;
    private final int seqLen;
    private final float scale;

    Forward(ModelSpec spec, TokenSlots slots, Workspace ws, CoarseModel model) {
        this.spec = spec;
        this.slots = slots;
        this.ws = ws;
        this.model = model;
        this.d = spec.dModel();
        this.heads = spec.numHeads();
        this.dh = spec.dHead();
        this.seqLen = spec.seqLen();
        this.scale = (float) (1 / Math.sqrt(dh));
    }

    LossResult run(int[] labels) {
        return loss(labels, logits());
    }

    /** Arg-max logit per example (first on ties). */
    int[] predictions() {
        int vocab = logits();
        int[] out = new int[slots.examples()];
        for (int ex = 0; ex < out.length; ex++) {
            float[] z = ws.logits[ex];
            int best = 0;
            for (int j = 1; j < vocab; j++) {
                if (z[j] > z[best]) {
                    best = j;
                }
            }
            out[ex] = best;
        }
        return out;
    }

    /** Fills ws.logits[0..n) and returns their width. */
    private int logits() {
        int n = slots.examples();
        int layers = spec.numLayers();
        firstLayer(layers == 1);
        for (int l = 1; l < layers - 1; l++) {
            middleLayer(l);
        }
        if (layers > 1) {
            lastLayer(layers - 1);
        }
        // The last layer left one row per example, the last position, in ws.b[0..n).
        Linear output = linear("output");
        output.apply(ws.b, n, ws.logits, ws.scratch);
        return output.out;
    }

    // ---- layer 0: per slot, then per example

    /**
     * Layer 0. Per slot: keys, values, queries, the score table and each head's value through Wo. Per example and
     * query position t: r = x_t + b_o + sum_{h,j} w_hj (v_hj Wo_h), h = LN1(r). The MLP's first product is shared
     * too: LN1(r) W_in = inv_std(r) * P(r) + b1 W_in with P(v) = (v - mean(v)) * g1 W_in linear in v, so
     * P(r) = P(x_t + b_o) + sum_{h,j} w_hj P(v_hj Wo_h), each P(.) precomputed per slot (and P(v_h Wo_h) =
     * v_h M_h with M_h = centred rows of Wo_h * g1 W_in). Per example that is 16 vector additions of width F
     * instead of a d x F product.
     */
    private void firstLayer(boolean lastLayer) {
        int s = slots.slotCount();
        float[][] token = dense("embed.token");
        float[][] position = dense("embed.position");
        for (int i = 0; i < s; i++) {
            float[] e = token[slots.slotToken(i)];
            float[] p = position[slots.slotPosition(i)];
            float[] x = ws.slotInput[i];
            for (int c = 0; c < d; c++) {
                x[c] = e[c] + p[c];
            }
        }
        String l = "layers.0.";
        linear(l + "attn.key").apply(ws.slotInput, s, ws.slotKey, ws.scratch);
        linear(l + "attn.value").apply(ws.slotInput, s, ws.slotValue, ws.scratch);
        int[] querySlots = lastLayer ? slots.slotsAt(seqLen - 1) : slots.allSlots();
        int sq = querySlots.length;
        float[][] queryIn = new float[sq][];
        for (int q = 0; q < sq; q++) {
            queryIn[q] = ws.slotInput[querySlots[q]];
        }
        linear(l + "attn.query").apply(queryIn, sq, ws.slotQuery, ws.scratch);
        float[][] wo = linear(l + "attn.output").dense();
        float[] bo = vector(l + "attn.output.bias", d);
        float[] g1 = vector(l + "norm1.gain", d);
        float[] b1 = vector(l + "norm1.bias", d);
        Linear win = linear(l + "mlp.in");
        int f = win.out;
        for (int h = 0; h < heads; h++) {
            int off = h * dh;
            for (int q = 0; q < sq; q++) {
                System.arraycopy(ws.slotQuery[q], off, ws.headQuery[q], 0, dh);
            }
            for (int i = 0; i < s; i++) {
                float[] k = ws.slotKey[i];
                for (int c = 0; c < dh; c++) {
                    ws.headKeyT[c][i] = k[off + c];
                }
                System.arraycopy(ws.slotValue[i], off, ws.headValue[i], 0, dh);
            }
            float[][] scores = ws.scores[h];
            Gemm.multiply(ws.headQuery, sq, ws.headKeyT, dh, s, null, scores);
            for (int q = 0; q < sq; q++) {
                float[] row = scores[q];
                for (int i = 0; i < s; i++) {
                    row[i] *= scale;
                }
            }
            float[][] woHead = new float[dh][];
            System.arraycopy(wo, off, woHead, 0, dh);
            Gemm.multiply(ws.headValue, s, woHead, dh, d, null, ws.valueOut[h]);
            for (int e = 0; e < dh; e++) {
                centreAndScale(woHead[e], g1, ws.headOutput[e]);
            }
            win.applyWithoutBias(ws.headOutput, dh, ws.headMlp, ws.scratch);
            Gemm.multiply(ws.headValue, s, ws.headMlp, dh, f, null, ws.valueMlp[h]);
        }
        float[] shifted = new float[d];
        for (int q = 0; q < sq; q++) {
            float[] x = ws.slotInput[querySlots[q]];
            for (int c = 0; c < d; c++) {
                shifted[c] = x[c] + bo[c];
            }
            centreAndScale(shifted, g1, ws.queryCentred[q]);
        }
        win.applyWithoutBias(ws.queryCentred, sq, ws.queryMlp, ws.scratch);
        float[][] normBias = {new float[f]};
        win.apply(new float[][] {b1}, 1, normBias, ws.scratch);
        float[] mlpBias = normBias[0]; // b1 W_in + b_in
        // query slot -> its row in ws.scores
        int[] queryIndex = new int[s];
        java.util.Arrays.fill(queryIndex, -1);
        for (int q = 0; q < sq; q++) {
            queryIndex[querySlots[q]] = q;
        }

        int n = slots.examples();
        int[] positions = lastLayer ? new int[] {seqLen - 1} : range(seqLen);
        double[] e = new double[seqLen];
        int r = 0;
        for (int ex = 0; ex < n; ex++) {
            int[] exSlots = slots.slotsOf(ex);
            for (int t : positions) {
                int slot = exSlots[t];
                int q = queryIndex[slot];
                float[] o = ws.a[r];
                float[] pre = ws.mlp[r];
                r++;
                System.arraycopy(bo, 0, o, 0, d);
                System.arraycopy(ws.queryMlp[q], 0, pre, 0, f);
                for (int h = 0; h < heads; h++) {
                    softmax(ws.scores[h][q], exSlots, e);
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
                float inv = (float) layerNorm(o, g1, b1);
                for (int c = 0; c < f; c++) {
                    pre[c] = Math.fma(pre[c], inv, mlpBias[c]);
                }
            }
        }
        mlp(0, r, true);
    }

    /** out = (x - mean(x)) * gain, the linear part of LayerNorm before the 1/std. */
    private void centreAndScale(float[] x, float[] gain, float[] out) {
        double mean = sum(x, d) / d;
        for (int c = 0; c < d; c++) {
            out[c] = (float) ((x[c] - mean) * gain[c]);
        }
    }

    /** p_j = softmax over the T keys of row[slot_j], into e. */
    private void softmax(float[] row, int[] exSlots, double[] e) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < seqLen; j++) {
            max = Math.max(max, row[exSlots[j]]);
        }
        double sum = 0;
        for (int j = 0; j < seqLen; j++) {
            e[j] = Math.exp(row[exSlots[j]] - max);
            sum += e[j];
        }
        for (int j = 0; j < seqLen; j++) {
            e[j] /= sum;
        }
    }

    // ---- layers between the first and the last: every position, every example

    private void middleLayer(int layer) {
        int n = slots.examples();
        int all = n * seqLen;
        String l = "layers." + layer + ".";
        float[][] in = ws.b;
        linear(l + "attn.key").apply(in, all, ws.key, ws.scratch);
        linear(l + "attn.value").apply(in, all, ws.value, ws.scratch);
        linear(l + "attn.query").apply(in, all, ws.query, ws.scratch);
        double[] e = new double[seqLen];
        for (int r = 0; r < all; r++) {
            int ex = r / seqLen;
            float[] q = ws.query[r];
            float[] att = ws.attention[r];
            for (int h = 0; h < heads; h++) {
                int off = h * dh;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < seqLen; j++) {
                    e[j] = dot(q, off, ws.key[ex * seqLen + j], off, dh) * scale;
                    max = Math.max(max, e[j]);
                }
                double sum = 0;
                for (int j = 0; j < seqLen; j++) {
                    e[j] = Math.exp(e[j] - max);
                    sum += e[j];
                }
                for (int c = 0; c < dh; c++) {
                    att[off + c] = 0;
                }
                for (int j = 0; j < seqLen; j++) {
                    float w = (float) (e[j] / sum);
                    float[] v = ws.value[ex * seqLen + j];
                    for (int c = 0; c < dh; c++) {
                        att[off + c] = Math.fma(w, v[off + c], att[off + c]);
                    }
                }
            }
        }
        residualAttention(l, all, in);
        mlp(layer, all, false);
    }

    // ---- the last layer after the first: only the last position's query

    /**
     * The last layer when it is not the first. Only the last position's output is read, so instead of keys and
     * values at every position: scores q_h.k_hj = (Wk_h q_h).x_j + q_h.bk_h, where the second term is the same
     * for every key and cancels in the softmax (dropped); values sum_j w_hj (x_j Wv_h + bv_h) =
     * (sum_j w_hj x_j) Wv_h + bv_h. Per example: 3 d x d products instead of 2T + 2.
     */
    private void lastLayer(int layer) {
        int n = slots.examples();
        String l = "layers." + layer + ".";
        float[][] in = ws.b;
        for (int ex = 0; ex < n; ex++) {
            ws.lastRows[ex] = in[ex * seqLen + seqLen - 1];
        }
        float[][] sel = ws.lastRows;
        linear(l + "attn.query").apply(sel, n, ws.query, ws.scratch);
        float[][] wk = linear(l + "attn.key").dense();
        Linear valueLayer = linear(l + "attn.value");
        float[][] wv = valueLayer.dense();
        float[][] keyT = new float[dh][d];
        float[][] valueHead = new float[d][dh];
        float[] valueBias = new float[dh];
        double[] e = new double[seqLen];
        for (int h = 0; h < heads; h++) {
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
            Gemm.multiply(ws.headRows, n, keyT, dh, d, null, ws.key); // Wk_h q_h per example
            for (int ex = 0; ex < n; ex++) {
                float[] kq = ws.key[ex];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < seqLen; j++) {
                    e[j] = dot(kq, 0, in[ex * seqLen + j], 0, d) * scale;
                    max = Math.max(max, e[j]);
                }
                double sum = 0;
                for (int j = 0; j < seqLen; j++) {
                    e[j] = Math.exp(e[j] - max);
                    sum += e[j];
                }
                float[] mix = ws.value[ex];
                java.util.Arrays.fill(mix, 0, d, 0f);
                for (int j = 0; j < seqLen; j++) {
                    float w = (float) (e[j] / sum);
                    float[] x = in[ex * seqLen + j];
                    for (int c = 0; c < d; c++) {
                        mix[c] = Math.fma(w, x[c], mix[c]);
                    }
                }
            }
            Gemm.multiply(ws.value, n, valueHead, d, dh, valueBias, ws.headRows2);
            for (int ex = 0; ex < n; ex++) {
                System.arraycopy(ws.headRows2[ex], 0, ws.attention[ex], off, dh);
            }
        }
        residualAttention(l, n, sel);
        mlp(layer, n, false);
    }

    /** ws.a = LN1(x + attention Wo + b_o) over {@code rows} rows. */
    private void residualAttention(String l, int rows, float[][] x) {
        linear(l + "attn.output").apply(ws.attention, rows, ws.a, ws.scratch);
        float[] g1 = vector(l + "norm1.gain", d);
        float[] b1 = vector(l + "norm1.bias", d);
        for (int r = 0; r < rows; r++) {
            float[] o = ws.a[r];
            float[] xr = x[r];
            for (int c = 0; c < d; c++) {
                o[c] += xr[c];
            }
            layerNorm(o, g1, b1);
        }
    }

    /** Sum of a[ao + c] b[bo + c], c < n, as four interleaved fma chains (a fixed order, four times the ILP). */
    private static double dot(float[] a, int ao, float[] b, int bo, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int c = 0;
        for (; c + 4 <= n; c += 4) {
            s0 = Math.fma(a[ao + c], b[bo + c], s0);
            s1 = Math.fma(a[ao + c + 1], b[bo + c + 1], s1);
            s2 = Math.fma(a[ao + c + 2], b[bo + c + 2], s2);
            s3 = Math.fma(a[ao + c + 3], b[bo + c + 3], s3);
        }
        for (; c < n; c++) {
            s0 = Math.fma(a[ao + c], b[bo + c], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * ws.b = LN2(ws.a + MLP(ws.a)) over the first {@code rows} rows; when {@code preactivated}, ws.mlp already
     * holds ws.a W_in + b_in.
     */
    private void mlp(int layer, int rows, boolean preactivated) {
        String l = "layers." + layer + ".";
        Linear in = linear(l + "mlp.in");
        if (!preactivated) {
            in.apply(ws.a, rows, ws.mlp, ws.scratch);
        }
        for (int r = 0; r < rows; r++) {
            Gelu.apply(ws.mlp[r], in.out);
        }
        linear(l + "mlp.out").apply(ws.mlp, rows, ws.b, ws.scratch);
        float[] g2 = vector(l + "norm2.gain", d);
        float[] b2 = vector(l + "norm2.bias", d);
        for (int r = 0; r < rows; r++) {
            float[] y = ws.b[r];
            float[] x = ws.a[r];
            for (int c = 0; c < d; c++) {
                y[c] += x[c];
            }
            layerNorm(y, g2, b2);
        }
    }

    /** In place; returns 1 / sqrt(var + eps). */
    private double layerNorm(float[] x, float[] gain, float[] bias) {
        double mean = sum(x, d) / d;
        double var = sumOfSquares(x, d, mean) / d;
        double inv = 1 / Math.sqrt(var + spec.layerNormEps());
        // the per-element work in float so that C2 vectorizes it
        float m = (float) mean;
        float s = (float) inv;
        for (int c = 0; c < d; c++) {
            x[c] = Math.fma((x[c] - m) * s, gain[c], bias[c]);
        }
        return inv;
    }

    /**
     * Sum of x[0..n) in float over eight interleaved partial sums, combined in a fixed tree: a fixed order with
     * eight times one chain's parallelism (LayerNorm was latency-bound), float32 precision like the data.
     */
    private static double sum(float[] x, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int c = 0;
        for (; c + 8 <= n; c += 8) {
            s0 += x[c];
            s1 += x[c + 1];
            s2 += x[c + 2];
            s3 += x[c + 3];
            s4 += x[c + 4];
            s5 += x[c + 5];
            s6 += x[c + 6];
            s7 += x[c + 7];
        }
        for (; c < n; c++) {
            s0 += x[c];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** Sum of (x[c] - centre)^2 over c < n, eight partial sums as in {@link #sum}. */
    private static double sumOfSquares(float[] x, int n, double centre) {
        float m = (float) centre;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int c = 0;
        for (; c + 8 <= n; c += 8) {
            float t0 = x[c] - m;
            float t1 = x[c + 1] - m;
            float t2 = x[c + 2] - m;
            float t3 = x[c + 3] - m;
            float t4 = x[c + 4] - m;
            float t5 = x[c + 5] - m;
            float t6 = x[c + 6] - m;
            float t7 = x[c + 7] - m;
            s0 = Math.fma(t0, t0, s0);
            s1 = Math.fma(t1, t1, s1);
            s2 = Math.fma(t2, t2, s2);
            s3 = Math.fma(t3, t3, s3);
            s4 = Math.fma(t4, t4, s4);
            s5 = Math.fma(t5, t5, s5);
            s6 = Math.fma(t6, t6, s6);
            s7 = Math.fma(t7, t7, s7);
        }
        for (; c < n; c++) {
            float t = x[c] - m;
            s0 = Math.fma(t, t, s0);
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    // ---- the loss

    private LossResult loss(int[] labels, int vocab) {
        double clip = spec.probabilityClip();
        double logLow = clip > 0 ? Math.log(clip) : Double.NEGATIVE_INFINITY;
        double logHigh = Math.log1p(-clip);
        double nats = 0;
        int correct = 0;
        for (int ex = 0; ex < labels.length; ex++) {
            float[] z = ws.logits[ex];
            int best = 0;
            for (int j = 1; j < vocab; j++) {
                if (z[j] > z[best]) {
                    best = j;
                }
            }
            double max = z[best];
            double rest = 0;
            for (int j = 0; j < vocab; j++) {
                if (j != best) {
                    rest += Math.exp(z[j] - max);
                }
            }
            // log p_y = z_y - max - log(1 + sum of the others): accurate when p_y is close to 1
            double logp = (z[labels[ex]] - max) - Math.log1p(rest);
            logp = Math.max(logLow, Math.min(logHigh, logp));
            nats -= logp;
            if (best == labels[ex]) {
                correct++;
            }
        }
        return new LossResult(labels.length, nats / labels.length, nats / Math.log(2), correct);
    }

    // ---- weights by canonical name

    private Linear linear(String prefix) {
        CoarseTensor w = model.tensor(prefix + ".weight");
        float[] b = model.tensor(prefix + ".bias").values();
        return Linear.of(w, b);
    }

    private float[][] dense(String name) {
        return Linear.of(model.tensor(name), null).dense();
    }

    private float[] vector(String name, int length) {
        float[] v = model.tensor(name).values();
        if (v.length != length) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + v.length + " values, expected " + length);
        }
        return v;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
