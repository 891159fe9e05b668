package occam.analysis.engine.coarse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import occam.analysis.engine.lowrank.LowRank;
import occam.analysis.engine.lowrank.MatrixSvd;
import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.model.CoarseTensor;
import occam.analysis.engine.quant.Quantizer;
import occam.schemas.ModelSpec;
import occam.schemas.TensorSpec;

/**
 * Builds Q(R(theta, tau), Delta) for one checkpoint. The SVD of every 2-D weight is taken once, here, and reused
 * by every (tau, Delta) point.
 *
 * <p>Definitions: tau = 1 is "no truncation" (every matrix kept dense; Algorithm 2, quantization only). For
 * tau < 1 each matrix keeps k(tau) singular triplets ({@link LowRank#rank}) and is stored as the factors
 * U_k diag(s_k) and V_k^T when k(m + n) < mn, else as the original matrix. Quantization applies to the factors
 * (computed in double, rounded once to float32) or to the matrix, and to every vector. Delta = 0 quantizes
 * nothing. The factors are U_k diag(s_k) and V_k^T unless another {@link FactorSplit} is asked for.
 */
public final class CoarseGrainer {

    private final List<TensorSpec> tensors;
    private final List<float[]> values;
    private final List<MatrixSvd> svds;

    private CoarseGrainer(List<TensorSpec> tensors, List<float[]> values, List<MatrixSvd> svds) {
        this.tensors = tensors;
        this.values = values;
        this.svds = svds;
    }

    /** Takes the SVD of every 2-D weight of {@code model} (a checkpoint: every tensor dense). */
    public static CoarseGrainer of(ModelSpec spec, CoarseModel model) {
        List<TensorSpec> tensors = spec.tensors();
        List<float[]> values = new ArrayList<>();
        List<MatrixSvd> svds = new ArrayList<>();
        for (TensorSpec ts : tensors) {
            CoarseTensor t = model.tensor(ts.name());
            if (t.isFactored() || !Arrays.equals(t.shape(), ts.shape())) {
                throw new IllegalArgumentException("tensor '" + ts.name() + "' must be dense with shape " + Arrays.toString(ts.shape())
                        + ", got " + t);
            }
            values.add(t.values());
            if (ts.isMatrix()) {
                svds.add(LowRank.decompose(ts.name(), ts.shape()[0], ts.shape()[1], t.values()));
            }
        }
        return new CoarseGrainer(tensors, values, List.copyOf(svds));
    }

    /** The SVD of each 2-D weight, in model-spec order. */
    public List<MatrixSvd> svds() {
        return svds;
    }

    /** Which model (tau, Delta) stands for: ranks per matrix and Delta. */
    public CoarseKey key(double tau, double delta) {
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("tau(" + tau + ") outside [0, 1]");
        }
        Quantizer.requireDelta(delta);
        int[] ranks = new int[svds.size()];
        for (int i = 0; i < ranks.length; i++) {
            MatrixSvd svd = svds.get(i);
            int k = tau == 1 ? -1 : LowRank.rank(svd.singularValues(), tau);
            ranks[i] = k >= 0 && LowRank.factorsAreSmaller(k, svd.rows(), svd.cols()) ? k : -1;
        }
        return new CoarseKey(ranks, delta);
    }

    /**
     * One tau for each distinct rank configuration over [tauMin, 1], in ascending order of tau (so of ranks kept);
     * the last stands for every matrix dense. k(tau) of a matrix changes only where tau crosses a partial sum of its
     * singular values over their total, so each interval between consecutive such thresholds is one configuration:
     * tauMin stands for the first, the midpoint for each other (an end could fall on the wrong side by rounding),
     * and tau = 1 for the last when no tau below 1 keeps every matrix dense. Taus giving equal keys are listed once.
     */
    public double[] configurationTaus(double tauMin) {
        TreeSet<Double> cuts = new TreeSet<>();
        for (MatrixSvd svd : svds) {
            double[] s = svd.singularValues();
            double total = Arrays.stream(s).sum();
            double sum = 0;
            for (double v : s) {
                sum += v;
                if (sum / total > tauMin && sum / total < 1) {
                    cuts.add(sum / total);
                }
            }
        }
        List<Double> taus = new ArrayList<>();
        taus.add(tauMin);
        double previous = tauMin;
        for (double cut : cuts) {
            taus.add(previous + (cut - previous) / 2);
            previous = cut;
        }
        taus.add(previous + (1 - previous) / 2);
        taus.add(1.0);
        List<Double> distinct = new ArrayList<>();
        CoarseKey last = null;
        for (double tau : taus) {
            CoarseKey k = key(tau, 1);
            if (!k.equals(last)) {
                distinct.add(tau);
                last = k;
            }
        }
        return distinct.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The ranks of the model kept whole: every matrix dense. */
    public CoarseKey denseKey(double delta) {
        return key(1, delta);
    }

    public CoarseModel build(double tau, double delta) {
        return build(key(tau, delta));
    }

    public CoarseModel build(CoarseKey key) {
        return build(key, FactorSplit.PAPER);
    }

    /** The model of {@code key} with its kept matrices split into factors as {@code split} says. */
    public CoarseModel build(CoarseKey key, FactorSplit split) {
        if (key.matrixCount() != svds.size()) {
            throw new IllegalArgumentException("key " + key + " has " + key.matrixCount() + " ranks, the model has " + svds.size()
                    + " matrices");
        }
        double delta = key.delta();
        List<CoarseTensor> out = new ArrayList<>(tensors.size());
        int m = 0;
        for (int i = 0; i < tensors.size(); i++) {
            TensorSpec ts = tensors.get(i);
            int k = ts.isMatrix() ? key.rank(m) : -1;
            if (k >= 0) {
                MatrixSvd svd = svds.get(m);
                boolean paper = split == FactorSplit.PAPER;
                out.add(CoarseTensor.factored(ts.name(), svd.rows(), svd.cols(), k,
                        Quantizer.quantize(paper ? svd.left(k) : svd.balancedLeft(k), delta),
                        Quantizer.quantize(paper ? svd.right(k) : svd.balancedRight(k), delta)));
            } else {
                out.add(CoarseTensor.dense(ts.name(), ts.shape(), Quantizer.quantize(values.get(i), delta)));
            }
            if (ts.isMatrix()) {
                m++;
            }
        }
        return new CoarseModel(out);
    }
}
