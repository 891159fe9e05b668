package occam.training;

import java.nio.file.Path;
import occam.schemas.ModelSpec;
import occam.schemas.ModelSpec.PositionTable;
import occam.schemas.RunIds;
import occam.training.task.Task;

/**
 * Everything a training run depends on, resolved: build one with {@link #builder}, which fills in the defaults of
 * the task and the regime (docs/method.md, sections 2 and 5). The same record becomes the run's {@code runs} row.
 *
 * @param batchSize examples per update; 0 means min(512, n_train / 2), the authors' rule
 * @param threads PyTorch intra-op threads; 0 means half the cores, at least 1 (see {@link Trainer})
 * @param evalEvery evaluate the whole train and test splits every this many epochs; each evaluation, and each
 *     checkpoint epoch's, is a metrics row
 * @param positionTable the model's position table: VOCABULARY (the released model's, the default) or SEQUENCE
 * @param out archive root to write runs, examples, metrics and checkpoints to; null writes nothing
 */
public record TrainingConfig(
        Task task,
        Regime regime,
        int p,
        double trainFraction,
        int layers,
        int epochs,
        long seed,
        double learningRate,
        double adamBeta1,
        double adamBeta2,
        double adamEps,
        double weightDecay,
        double spectralBeta,
        double noiseStd,
        int batchSize,
        DeviceChoice device,
        int threads,
        int evalEvery,
        String runId,
        Path out,
        PositionTable positionTable) {

    /** The paper's modulus. */
    public static final int DEFAULT_P = 113;
    /** Enough for `ours` to grok `add` (the paper: about 400 epochs); the authors ran up to 10,000. */
    public static final int DEFAULT_EPOCHS = 1500;
    /** The authors' batch rule caps minibatches at this size. */
    public static final int MAX_BATCH = 512;

    public TrainingConfig {
        if (task == null || regime == null || device == null || positionTable == null) {
            throw new IllegalArgumentException("task, regime, device and position table are required");
        }
        require(p >= 2, "p(" + p + ") < 2");
        require(trainFraction > 0 && trainFraction < 1, "trainFraction(" + trainFraction + ") outside (0, 1)");
        require(layers >= 1, "layers(" + layers + ") < 1");
        require(epochs >= 1, "epochs(" + epochs + ") < 1");
        require(learningRate > 0, "learningRate(" + learningRate + ") <= 0");
        require(adamBeta1 >= 0 && adamBeta1 < 1, "adamBeta1(" + adamBeta1 + ") outside [0, 1)");
        require(adamBeta2 >= 0 && adamBeta2 < 1, "adamBeta2(" + adamBeta2 + ") outside [0, 1)");
        require(adamEps > 0, "adamEps(" + adamEps + ") <= 0");
        require(weightDecay >= 0, "weightDecay(" + weightDecay + ") < 0");
        require(spectralBeta >= 0, "spectralBeta(" + spectralBeta + ") < 0");
        require(noiseStd >= 0, "noiseStd(" + noiseStd + ") < 0");
        require(batchSize >= 0, "batchSize(" + batchSize + ") < 0");
        require(threads >= 0, "threads(" + threads + ") < 0");
        require(evalEvery >= 1, "evalEvery(" + evalEvery + ") < 1");
        RunIds.require(runId);
    }

    /** The model this configuration trains. */
    public ModelSpec modelSpec() {
        return ModelSpec.paper(p, layers, positionTable);
    }

    /** The minibatch size for {@code nTrain} training examples. */
    public int batchSizeFor(int nTrain) {
        int b = batchSize > 0 ? batchSize : Math.min(MAX_BATCH, nTrain / 2);
        return Math.max(1, Math.min(b, nTrain));
    }

    public static Builder builder(Task task, Regime regime) {
        return new Builder(task, regime);
    }

    /** Defaults from the task and the regime; every value can be overridden. Nulls mean "the default". */
    public static final class Builder {
        private final Task task;
        private final Regime regime;
        private int p = DEFAULT_P;
        private Double trainFraction;
        private Integer layers;
        private int epochs = DEFAULT_EPOCHS;
        private long seed;
        private double learningRate = 1e-3;
        private double adamBeta1 = 0.9;
        private double adamBeta2 = 0.98;
        private double adamEps = 1e-8;
        private Double weightDecay;
        private Double spectralBeta;
        private Double noiseStd;
        private int batchSize;
        private DeviceChoice device = DeviceChoice.AUTO;
        private int threads;
        private int evalEvery = 10;
        private String runId;
        private Path out;
        private PositionTable positionTable = PositionTable.VOCABULARY;

        private Builder(Task task, Regime regime) {
            this.task = task;
            this.regime = regime;
        }

        public Builder p(int v) { p = v; return this; }
        public Builder trainFraction(Double v) { trainFraction = v; return this; }
        public Builder layers(Integer v) { layers = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder adamBetas(double b1, double b2) { adamBeta1 = b1; adamBeta2 = b2; return this; }
        public Builder adamEps(double v) { adamEps = v; return this; }
        public Builder weightDecay(Double v) { weightDecay = v; return this; }
        public Builder spectralBeta(Double v) { spectralBeta = v; return this; }
        public Builder noiseStd(Double v) { noiseStd = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder device(DeviceChoice v) { device = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder evalEvery(int v) { evalEvery = v; return this; }
        public Builder runId(String v) { runId = v; return this; }
        public Builder out(Path v) { out = v; return this; }
        public Builder positionTable(PositionTable v) { positionTable = v; return this; }

        public TrainingConfig build() {
            return new TrainingConfig(task, regime, p,
                    trainFraction != null ? trainFraction : task.defaultTrainFraction(),
                    layers != null ? layers : task.defaultLayers(),
                    epochs, seed, learningRate, adamBeta1, adamBeta2, adamEps,
                    weightDecay != null ? weightDecay : regime.weightDecay(),
                    spectralBeta != null ? spectralBeta : regime.spectralBeta(),
                    noiseStd != null ? noiseStd : regime.noiseStd(task),
                    batchSize, device, threads, evalEvery,
                    runId != null ? runId : defaultRunId(task, regime, seed),
                    out, positionTable);
        }
    }

    /** {@code <task>-<regime>-s<seed>}, e.g. {@code add-ours-s0}. */
    public static String defaultRunId(Task task, Regime regime, long seed) {
        return task.id() + "-" + regime.id() + "-s" + seed;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
