package occam.analysis.engine.loss;

/** The attention softmax, the one place it is written: in double, after subtracting the maximum. */
final class Softmax {

    private Softmax() {}

    /** e[0..n) := softmax(e[0..n)) in place. */
    static void inPlace(double[] e, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, e[j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            e[j] = Exp.negative(e[j] - max);
            sum += e[j];
        }
        for (int j = 0; j < n; j++) {
            e[j] /= sum;
        }
    }
}
