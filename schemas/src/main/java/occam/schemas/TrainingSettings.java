package occam.schemas;

/** The optimizer and regularizer settings of a run, as recorded in {@code runs}. */
public record TrainingSettings(
        int epochs,
        int batchSize,
        double learningRate,
        double adamBeta1,
        double adamBeta2,
        double adamEps,
        double weightDecay,
        double spectralBeta,
        double noiseStd) {}
