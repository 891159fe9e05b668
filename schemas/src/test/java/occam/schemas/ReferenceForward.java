package occam.schemas;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The model of {@link ModelSpec#ARCHITECTURE} written literally from its definition, one sequence at a time, in
 * double precision with plain loops and {@link Math#tanh}, none of the fast passes' shortcuts (every position
 * through every layer, no shared per-token tables): the yardstick the trainer's and the engine's forward passes
 * are both held to in their tests, shared through this module's test jar.
 *
 * <p>h = token_emb[tok] + pos_emb[pos]; per layer h = LN1(h + Attention(h)), h = LN2(h + W_out gelu_tanh(h W_in +
 * b_in) + b_out), attention of every head over every position (no causal mask), scores q.k / sqrt(d_head);
 * logits = h[last] W_output + b_output.
 */
public final class ReferenceForward {

    private final ModelSpec spec;
    private final Map<String, double[][]> matrices = new HashMap<>();
    private final Map<String, double[]> vectors = new HashMap<>();

    /** @param weights every tensor the spec names, by name, with the spec's shapes */
    public ReferenceForward(ModelSpec spec, Map<String, Tensor> weights) {
        this.spec = spec;
        for (TensorSpec ts : spec.tensors()) {
            Tensor t = weights.get(ts.name());
            if (t == null) {
                throw new IllegalArgumentException("no tensor '" + ts.name() + "'");
            }
            int[] shape = t.shape();
            if (!Arrays.equals(shape, ts.shape())) {
                throw new IllegalArgumentException("tensor '" + ts.name() + "' has shape " + Arrays.toString(shape)
                        + ", the spec says " + Arrays.toString(ts.shape()));
            }
            float[] v = t.values();
            if (shape.length == 2) {
                double[][] m = new double[shape[0]][shape[1]];
                for (int i = 0; i < shape[0]; i++) {
                    for (int j = 0; j < shape[1]; j++) {
                        m[i][j] = v[i * shape[1] + j];
                    }
                }
                matrices.put(ts.name(), m);
            } else {
                double[] d = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    d[i] = v[i];
                }
                vectors.put(ts.name(), d);
            }
        }
    }

    /** Logits of the last position for one input sequence [T] -> [V]. */
    public double[] logits(int[] tokens) {
        int t = tokens.length;
        int d = spec.dModel();
        double[][] token = matrices.get("embed.token"); // [V][d]
        double[][] position = matrices.get("embed.position"); // [T][d]
        double[][] h = new double[t][d];
        for (int i = 0; i < t; i++) {
            for (int c = 0; c < d; c++) {
                h[i][c] = token[tokens[i]][c] + position[i][c];
            }
        }
        for (int layer = 0; layer < spec.numLayers(); layer++) {
            h = block(h, "layers." + layer + ".");
        }
        return dense(h[t - 1], "output");
    }

    /** -ln clip(softmax(logits)[label], c, 1 - c), c the spec's probability clip. */
    public double loss(int[] tokens, int label) {
        double[] z = logits(tokens);
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        double p = Math.exp(z[label] - max) / sum;
        double c = spec.probabilityClip();
        return -Math.log(Math.min(Math.max(p, c), 1 - c));
    }

    /** The arg-max logit, the first on ties. */
    public int prediction(int[] tokens) {
        double[] z = logits(tokens);
        int best = 0;
        for (int j = 1; j < z.length; j++) {
            if (z[j] > z[best]) {
                best = j;
            }
        }
        return best;
    }

    /** One post-LN decoder layer, [T][d] -> [T][d]. */
    private double[][] block(double[][] x, String prefix) {
        int t = x.length;
        double[][] q = new double[t][];
        double[][] k = new double[t][];
        double[][] v = new double[t][];
        for (int i = 0; i < t; i++) {
            q[i] = dense(x[i], prefix + "attn.query");
            k[i] = dense(x[i], prefix + "attn.key");
            v[i] = dense(x[i], prefix + "attn.value");
        }
        double[][] out = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] attended = dense(attention(q[i], k, v), prefix + "attn.output");
            double[] h = layerNorm(add(x[i], attended), prefix + "norm1");
            double[] hidden = dense(h, prefix + "mlp.in"); // [F]
            for (int c = 0; c < hidden.length; c++) {
                double u = hidden[c];
                hidden[c] = 0.5 * u * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (u + 0.044715 * u * u * u)));
            }
            out[i] = layerNorm(add(h, dense(hidden, prefix + "mlp.out")), prefix + "norm2");
        }
        return out;
    }

    /** One query [d] over all keys and values [T][d]: each head's softmax(q.k / sqrt(dh)) v, heads joined [d]. */
    private double[] attention(double[] q, double[][] k, double[][] v) {
        int t = k.length;
        int dh = spec.dHead();
        double[] joined = new double[spec.dModel()];
        for (int h = 0; h < spec.numHeads(); h++) {
            int off = h * dh;
            double[] w = new double[t];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < t; j++) {
                double s = 0;
                for (int c = 0; c < dh; c++) {
                    s += q[off + c] * k[j][off + c];
                }
                w[j] = s / Math.sqrt(dh);
                max = Math.max(max, w[j]);
            }
            double z = 0;
            for (int j = 0; j < t; j++) {
                w[j] = Math.exp(w[j] - max);
                z += w[j];
            }
            for (int j = 0; j < t; j++) {
                for (int c = 0; c < dh; c++) {
                    joined[off + c] += w[j] / z * v[j][off + c];
                }
            }
        }
        return joined;
    }

    /** x W + b for {@code name.weight} [in][out] and {@code name.bias} [out]. */
    private double[] dense(double[] x, String name) {
        double[][] w = matrices.get(name + ".weight");
        double[] b = vectors.get(name + ".bias");
        double[] y = new double[b.length];
        for (int o = 0; o < b.length; o++) {
            double s = b[o];
            for (int i = 0; i < w.length; i++) {
                s += x[i] * w[i][o];
            }
            y[o] = s;
        }
        return y;
    }

    /** (x - mean) / sqrt(biased variance + eps) * gain + bias. */
    private double[] layerNorm(double[] x, String name) {
        double[] gain = vectors.get(name + ".gain");
        double[] bias = vectors.get(name + ".bias");
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i] - mean) / Math.sqrt(var + spec.layerNormEps()) * gain[i] + bias[i];
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i] + b[i];
        }
        return y;
    }
}
