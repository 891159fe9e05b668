package occam.schemas;

/**
 * The optimizer and regularizer settings of a run, as recorded in {@code runs}.
 *
 * @param evalEvery epochs between evaluations, each a {@code metrics} row; 0 when not recorded (runs written before
 *     metrics were dense, and before the trainer saved the state to resume them: such runs cannot be resumed)
 */
public record TrainingSettings(
        int epochs,
        int batchSize,
        double learningRate,
        double adamBeta1,
        double adamBeta2,
        double adamEps,
        double weightDecay,
        double spectralBeta,
        double noiseStd,
        int evalEvery) {

    public TrainingSettings {
        if (evalEvery < 0) {
            throw new IllegalArgumentException("evalEvery(" + evalEvery + ") < 0");
        }
    }

    /** Settings without {@code evalEvery} (0: not recorded). */
    public TrainingSettings(int epochs, int batchSize, double learningRate, double adamBeta1, double adamBeta2,
            double adamEps, double weightDecay, double spectralBeta, double noiseStd) {
        this(epochs, batchSize, learningRate, adamBeta1, adamBeta2, adamEps, weightDecay, spectralBeta, noiseStd, 0);
    }
}
