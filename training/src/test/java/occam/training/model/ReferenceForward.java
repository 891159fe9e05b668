package occam.training.model;

import java.util.Map;
import occam.schemas.ModelSpec;
import occam.schemas.Tensor;

/**
 * The model's forward pass written directly from its definition, in double precision and plain loops, with none
 * of the trainer's shortcuts (every position through every layer, projections of the summed embeddings): the
 * hand computation the DJL forward pass is held to.
 */
final class ReferenceForward {

    private final ModelSpec spec;
    private final Map<String, Tensor> w;

    ReferenceForward(ModelSpec spec, Map<String, Tensor> weights) {
        this.spec = spec;
        this.w = weights;
    }

    /** Logits of the last position for one input sequence. */
    double[] logits(int[] tokens) {
        int t = tokens.length;
        int d = spec.dModel();
        double[][] x = new double[t][d];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = at("embed.token", tokens[i], j) + at("embed.position", i, j);
            }
        }
        for (int layer = 0; layer < spec.numLayers(); layer++) {
            x = block(x, "layers." + layer + ".");
        }
        return dense(x[t - 1], "output");
    }

    /** -ln(clip(softmax(logits)[label], c, 1 - c)). */
    double loss(int[] tokens, int label) {
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

    private double[][] block(double[][] x, String prefix) {
        int t = x.length;
        int d = spec.dModel();
        int heads = spec.numHeads();
        int dh = spec.dHead();
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
            double[] joined = new double[d];
            for (int h = 0; h < heads; h++) {
                double[] scores = new double[t];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < t; j++) {
                    double s = 0;
                    for (int c = 0; c < dh; c++) {
                        s += q[i][h * dh + c] * k[j][h * dh + c];
                    }
                    scores[j] = s / Math.sqrt(dh);
                    max = Math.max(max, scores[j]);
                }
                double z = 0;
                for (int j = 0; j < t; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    z += scores[j];
                }
                for (int j = 0; j < t; j++) {
                    for (int c = 0; c < dh; c++) {
                        joined[h * dh + c] += scores[j] / z * v[j][h * dh + c];
                    }
                }
            }
            double[] attended = dense(joined, prefix + "attn.output");
            double[] h1 = layerNorm(add(x[i], attended), prefix + "norm1");
            double[] hidden = dense(h1, prefix + "mlp.in");
            for (int c = 0; c < hidden.length; c++) {
                double u = hidden[c];
                hidden[c] = 0.5 * u * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (u + 0.044715 * u * u * u)));
            }
            out[i] = layerNorm(add(h1, dense(hidden, prefix + "mlp.out")), prefix + "norm2");
        }
        return out;
    }

    private double[] dense(double[] x, String name) {
        Tensor weight = w.get(name + ".weight");
        int in = weight.shape()[0];
        int outDim = weight.shape()[1];
        double[] y = new double[outDim];
        for (int o = 0; o < outDim; o++) {
            double s = w.get(name + ".bias").values()[o];
            for (int i = 0; i < in; i++) {
                s += x[i] * weight.values()[i * outDim + o];
            }
            y[o] = s;
        }
        return y;
    }

    private double[] layerNorm(double[] x, String name) {
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
            y[i] = (x[i] - mean) / Math.sqrt(var + spec.layerNormEps()) * w.get(name + ".gain").values()[i]
                    + w.get(name + ".bias").values()[i];
        }
        return y;
    }

    private double at(String name, int row, int col) {
        Tensor t = w.get(name);
        return t.values()[row * t.shape()[1] + col];
    }

    private static double[] add(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i] + b[i];
        }
        return y;
    }
}
