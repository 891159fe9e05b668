package occam.analysis.engine.loss;

/**
 * A model's fit to the training split. {@code meanLossNats} is the mean of -ln p(y|x) and {@code dataBits} the
 * sum of -log2 p(y|x), both with p clipped to [c, 1 - c] (c = the spec's probability clip); {@code correct}
 * counts examples whose arg-max logit (first on ties) is the label.
 */
public record LossResult(int examples, double meanLossNats, double dataBits, int correct) {

    public double accuracy() {
        return (double) correct / examples;
    }

    public double errorRate() {
        return (double) (examples - correct) / examples;
    }
}
