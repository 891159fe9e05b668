package occam.analysis.engine.search;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Gaussian-process regression on points of the unit square: Matern 5/2 kernel with one length scale per axis,
 * unit signal variance on standardized targets, and a noise variance. The hyper-parameters are the best of a
 * fixed grid by log marginal likelihood (deterministic, no optimizer to converge): 4 x 4 length scales x 3
 * noise levels. The noise term lets the surface bend around the penalty cliff of invalid points.
 */
final class GaussianProcess {

    static final double[] LENGTH_SCALES = {0.1, 0.2, 0.4, 0.8};
    static final double[] NOISE_VARIANCES = {1e-6, 1e-3, 1e-2};
    private static final double SQRT5 = Math.sqrt(5);

    private final double[][] x;
    private final double yMean;
    private final double yScale;
    private final double[] lengthScale;
    private final double[][] chol; // lower triangular L, K + noise I = L L^T
    private final double[] alpha;  // (K + noise I)^-1 y_standardized
    final double logMarginalLikelihood;

    private GaussianProcess(double[][] x, double yMean, double yScale, double[] lengthScale, double[][] chol, double[] alpha, double lml) {
        this.x = x;
        this.yMean = yMean;
        this.yScale = yScale;
        this.lengthScale = lengthScale;
        this.chol = chol;
        this.alpha = alpha;
        this.logMarginalLikelihood = lml;
    }

    /** Fits on n >= 1 points; picks the grid hyper-parameters with the highest marginal likelihood (first on ties). */
    static GaussianProcess fit(double[][] x, double[] y) {
        int n = y.length;
        if (n == 0 || x.length != n) {
            throw new IllegalArgumentException("a Gaussian process needs as many points as targets, at least one (got " + x.length
                    + " and " + n + ")");
        }
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= n;
        double var = 0;
        for (double v : y) {
            var += (v - mean) * (v - mean);
        }
        double scale = n > 1 && var > 0 ? Math.sqrt(var / n) : 1;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = (y[i] - mean) / scale;
        }
        GaussianProcess best = null;
        for (double l0 : LENGTH_SCALES) {
            for (double l1 : LENGTH_SCALES) {
                for (double noise : NOISE_VARIANCES) {
                    GaussianProcess gp = fitWith(x, z, mean, scale, new double[] {l0, l1}, noise);
                    if (gp != null && (best == null || gp.logMarginalLikelihood > best.logMarginalLikelihood)) {
                        best = gp;
                    }
                }
            }
        }
        if (best == null) {
            throw new IllegalStateException("no kernel of the grid gave a positive-definite covariance for " + n + " points");
        }
        return best;
    }

    private static GaussianProcess fitWith(double[][] x, double[] z, double mean, double scale, double[] ls, double noise) {
        int n = z.length;
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = kernel(x[i], x[j], ls);
                k[i][j] = v;
                k[j][i] = v;
            }
            k[i][i] += noise;
        }
        RealMatrix lower;
        try {
            lower = new CholeskyDecomposition(new Array2DRowRealMatrix(k, false), 1e-10, 1e-12).getL();
        } catch (NonPositiveDefiniteMatrixException e) {
            return null;
        }
        double[][] l = lower.getData();
        double[] alpha = backward(l, forward(l, z));
        double lml = 0;
        for (int i = 0; i < n; i++) {
            lml -= 0.5 * z[i] * alpha[i] + Math.log(l[i][i]);
        }
        lml -= 0.5 * n * Math.log(2 * Math.PI);
        return new GaussianProcess(x, mean, scale, ls, l, alpha, lml);
    }

    /** Posterior mean and standard deviation at {@code p}, in the targets' units. */
    double[] predict(double[] p) {
        int n = alpha.length;
        double[] ks = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            ks[i] = kernel(p, x[i], lengthScale);
            mean += ks[i] * alpha[i];
        }
        double[] v = forward(chol, ks);
        double var = 1;
        for (double t : v) {
            var -= t * t;
        }
        return new double[] {yMean + yScale * mean, yScale * Math.sqrt(Math.max(var, 0))};
    }

    static double kernel(double[] a, double[] b, double[] ls) {
        double r2 = 0;
        for (int d = 0; d < a.length; d++) {
            double t = (a[d] - b[d]) / ls[d];
            r2 += t * t;
        }
        double r = Math.sqrt(r2);
        return (1 + SQRT5 * r + 5 * r2 / 3) * Math.exp(-SQRT5 * r);
    }

    /** Solves L v = b. */
    private static double[] forward(double[][] l, double[] b) {
        int n = b.length;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            double[] row = l[i];
            for (int j = 0; j < i; j++) {
                s -= row[j] * v[j];
            }
            v[i] = s / row[i];
        }
        return v;
    }

    /** Solves L^T a = v. */
    private static double[] backward(double[][] l, double[] v) {
        int n = v.length;
        double[] a = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = v[i];
            for (int j = i + 1; j < n; j++) {
                s -= l[j][i] * a[j];
            }
            a[i] = s / l[i][i];
        }
        return a;
    }
}
