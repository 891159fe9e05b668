package occam.analysis.engine.loss;

/** The loss on the output layer's logits: -ln p(y|x) with p clipped to [c, 1 - c], and the arg-max prediction. */
final class CrossEntropy {

    private CrossEntropy() {}

    /**
     * @param logits [n][>= vocab] one row per example, in split order
     * @param labels [n]
     */
    static LossResult of(float[][] logits, int vocab, int[] labels, double clip) {
        double logLow = clip > 0 ? Math.log(clip) : Double.NEGATIVE_INFINITY;
        double logHigh = Math.log1p(-clip);
        double nats = 0;
        int correct = 0;
        double[] e = new double[vocab];
        for (int ex = 0; ex < labels.length; ex++) {
            float[] z = logits[ex];
            int best = argMax(z, vocab);
            double max = z[best];
            Gemm.KERNEL.exps(z, vocab, max, e);
            double rest = 0;
            for (int j = 0; j < vocab; j++) {
                if (j != best) {
                    rest += e[j];
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

    /** Index of the largest of z[0..vocab), the first on ties. */
    static int argMax(float[] z, int vocab) {
        int best = 0;
        for (int j = 1; j < vocab; j++) {
            if (z[j] > z[best]) {
                best = j;
            }
        }
        return best;
    }
}
