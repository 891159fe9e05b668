package occam.analysis.engine.loss;

import java.util.List;
import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.model.CoarseTensor;
import occam.schemas.Example;
import occam.schemas.ModelSpec;

/** The model written literally, per example, in double precision, with Math.tanh: the yardstick for Forward. */
final class ReferenceForward {

    private final ModelSpec spec;
    private final CoarseModel model;

    ReferenceForward(ModelSpec spec, CoarseModel model) {
        this.spec = spec;
        this.model = model;
    }

    double[] lossAndAccuracy(List<Example> examples) {
        double nats = 0;
        int correct = 0;
        for (Example e : examples) {
            double[] z = logits(e.tokens());
            int best = 0;
            for (int j = 1; j < z.length; j++) {
                if (z[j] > z[best]) {
                    best = j;
                }
            }
            double max = z[best];
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v - max);
            }
            double p = Math.exp(z[e.label()] - max) / sum;
            double c = spec.probabilityClip();
            p = Math.min(Math.max(p, c), 1 - c);
            nats -= Math.log(p);
            correct += best == e.label() ? 1 : 0;
        }
        return new double[] {nats / examples.size(), (double) correct / examples.size()};
    }

    double[] logits(int[] tokens) {
        int d = spec.dModel();
        int t = tokens.length;
        double[][] emb = matrix("embed.token");
        double[][] pos = matrix("embed.position");
        double[][] h = new double[t][d];
        for (int i = 0; i < t; i++) {
            for (int c = 0; c < d; c++) {
                h[i][c] = emb[tokens[i]][c] + pos[i][c];
            }
        }
        for (int l = 0; l < spec.numLayers(); l++) {
            String p = "layers." + l + ".";
            double[][] q = affine(h, p + "attn.query");
            double[][] k = affine(h, p + "attn.key");
            double[][] v = affine(h, p + "attn.value");
            int dh = spec.dHead();
            double[][] att = new double[t][d];
            for (int hd = 0; hd < spec.numHeads(); hd++) {
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        for (int c = 0; c < dh; c++) {
                            s[j] += q[i][hd * dh + c] * k[j][hd * dh + c];
                        }
                        s[j] /= Math.sqrt(dh);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j < t; j++) {
                        for (int c = 0; c < dh; c++) {
                            att[i][hd * dh + c] += s[j] / sum * v[j][hd * dh + c];
                        }
                    }
                }
            }
            double[][] o = affine(att, p + "attn.output");
            h = norm(add(h, o), p + "norm1");
            double[][] m = affine(h, p + "mlp.in");
            for (double[] row : m) {
                for (int c = 0; c < row.length; c++) {
                    double x = row[c];
                    row[c] = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
                }
            }
            h = norm(add(h, affine(m, p + "mlp.out")), p + "norm2");
        }
        return affine(new double[][] {h[t - 1]}, "output")[0];
    }

    private double[][] affine(double[][] x, String prefix) {
        double[][] w = matrix(prefix + ".weight");
        float[] b = model.tensor(prefix + ".bias").values();
        double[][] y = new double[x.length][b.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < b.length; j++) {
                double s = b[j];
                for (int k = 0; k < w.length; k++) {
                    s += x[i][k] * w[k][j];
                }
                y[i][j] = s;
            }
        }
        return y;
    }

    private double[][] norm(double[][] x, String prefix) {
        float[] g = model.tensor(prefix + ".gain").values();
        float[] b = model.tensor(prefix + ".bias").values();
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (double v : x[i]) {
                mean += v;
            }
            mean /= x[i].length;
            double var = 0;
            for (double v : x[i]) {
                var += (v - mean) * (v - mean);
            }
            var /= x[i].length;
            y[i] = new double[x[i].length];
            for (int c = 0; c < x[i].length; c++) {
                y[i][c] = (x[i][c] - mean) / Math.sqrt(var + spec.layerNormEps()) * g[c] + b[c];
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int c = 0; c < a[0].length; c++) {
                y[i][c] = a[i][c] + b[i][c];
            }
        }
        return y;
    }

    private double[][] matrix(String name) {
        CoarseTensor t = model.tensor(name);
        int m = t.rows();
        int n = t.cols();
        double[][] w = new double[m][n];
        if (t.isFactored()) {
            int k = t.rank();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int c = 0; c < k; c++) {
                        s += (double) t.left()[i * k + c] * t.right()[c * n + j];
                    }
                    w[i][j] = s;
                }
            }
        } else {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    w[i][j] = t.values()[i * n + j];
                }
            }
        }
        return w;
    }
}
