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
 * are computed per slot, and so are the attention scores q.k/sqrt(dh) [H][Sq][S] and each head's contribution
 * through the output projection v_head Wo_head [H][S][d]. Per example the first layer then costs a softmax over
 * T scores per head and H x T vector additions. The last layer computes only the last position (the only one the
 * output layer reads). What remains per example is the MLP (and, with more than one layer, the projections of
 * the later layers): dense products over all examples at once, in {@link Gemm}.
 *
 * <p>Arithmetic: float32 storage and products (fma chains); LayerNorm statistics, softmax and the loss in double.
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
        for (int l = 1; l < layers; l++) {
            laterLayer(l, l == layers - 1);
        }
        // The last layer left one row per example, the last position, in ws.b[0..n).
        Linear output = linear("output");
        output.apply(ws.b, n, ws.logits, ws.scratch);
        return output.out;
    }

    // ---- layer 0: per slot, then per example

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
        }
        // query slot -> its row in ws.scores
        int[] queryIndex = new int[s];
        java.util.Arrays.fill(queryIndex, -1);
        for (int q = 0; q < sq; q++) {
            queryIndex[querySlots[q]] = q;
        }

        float[] bo = vector(l + "attn.output.bias", d);
        float[] g1 = vector(l + "norm1.gain", d);
        float[] b1 = vector(l + "norm1.bias", d);
        int n = slots.examples();
        int[] positions = lastLayer ? new int[] {seqLen - 1} : range(seqLen);
        double[] e = new double[seqLen];
        int r = 0;
        for (int ex = 0; ex < n; ex++) {
            int[] exSlots = slots.slotsOf(ex);
            for (int t : positions) {
                int slot = exSlots[t];
                int q = queryIndex[slot];
                float[] o = ws.a[r++];
                System.arraycopy(bo, 0, o, 0, d);
                for (int h = 0; h < heads; h++) {
                    float[] row = ws.scores[h][q];
                    softmax(row, exSlots, e);
                    float[][] vo = ws.valueOut[h];
                    for (int j = 0; j < seqLen; j++) {
                        float w = (float) e[j];
                        float[] u = vo[exSlots[j]];
                        for (int c = 0; c < d; c++) {
                            o[c] = Math.fma(w, u[c], o[c]);
                        }
                    }
                }
                float[] x = ws.slotInput[slot];
                for (int c = 0; c < d; c++) {
                    o[c] += x[c];
                }
                layerNorm(o, g1, b1);
            }
        }
        mlp(0, r);
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

    // ---- layers >= 1: every position's hidden state differs per example

    private void laterLayer(int layer, boolean lastLayer) {
        int n = slots.examples();
        int all = n * seqLen;
        String l = "layers." + layer + ".";
        float[][] in = ws.b;
        linear(l + "attn.key").apply(in, all, ws.key, ws.scratch);
        linear(l + "attn.value").apply(in, all, ws.value, ws.scratch);
        float[][] sel;
        int rows;
        if (lastLayer) {
            for (int ex = 0; ex < n; ex++) {
                ws.lastRows[ex] = in[ex * seqLen + seqLen - 1];
            }
            sel = ws.lastRows;
            rows = n;
        } else {
            sel = in;
            rows = all;
        }
        linear(l + "attn.query").apply(sel, rows, ws.query, ws.scratch);
        int perExample = lastLayer ? 1 : seqLen;
        double[] e = new double[seqLen];
        for (int r = 0; r < rows; r++) {
            int ex = r / perExample;
            float[] q = ws.query[r];
            float[] att = ws.attention[r];
            for (int h = 0; h < heads; h++) {
                int off = h * dh;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < seqLen; j++) {
                    float[] k = ws.key[ex * seqLen + j];
                    float dot = 0;
                    for (int c = 0; c < dh; c++) {
                        dot = Math.fma(q[off + c], k[off + c], dot);
                    }
                    e[j] = dot * scale;
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
        linear(l + "attn.output").apply(ws.attention, rows, ws.a, ws.scratch);
        float[] g1 = vector(l + "norm1.gain", d);
        float[] b1 = vector(l + "norm1.bias", d);
        for (int r = 0; r < rows; r++) {
            float[] o = ws.a[r];
            float[] x = sel[r];
            for (int c = 0; c < d; c++) {
                o[c] += x[c];
            }
            layerNorm(o, g1, b1);
        }
        mlp(layer, rows);
    }

    /** ws.b = LN2(ws.a + MLP(ws.a)) over the first {@code rows} rows. */
    private void mlp(int layer, int rows) {
        String l = "layers." + layer + ".";
        Linear in = linear(l + "mlp.in");
        in.apply(ws.a, rows, ws.mlp, ws.scratch);
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

    private void layerNorm(float[] x, float[] gain, float[] bias) {
        double mean = 0;
        for (int c = 0; c < d; c++) {
            mean += x[c];
        }
        mean /= d;
        double var = 0;
        for (int c = 0; c < d; c++) {
            double t = x[c] - mean;
            var += t * t;
        }
        var /= d;
        double inv = 1 / Math.sqrt(var + spec.layerNormEps());
        for (int c = 0; c < d; c++) {
            x[c] = (float) ((x[c] - mean) * inv * gain[c] + bias[c]);
        }
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
