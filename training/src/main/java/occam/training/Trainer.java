package occam.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import occam.schemas.Checkpoint;
import occam.schemas.EpochMetrics;
import occam.schemas.ModelSpec;
import occam.schemas.RunInfo;
import occam.schemas.Tensor;
import occam.schemas.TrainingSettings;
import occam.training.model.Initializer;
import occam.training.model.Transformer;
import occam.training.model.Weights;
import occam.training.optim.AdamW;
import occam.training.regularize.SpectralEntropy;
import occam.training.regularize.SpectralPenalty;
import occam.training.regularize.TorchLinalg;
import occam.training.regularize.WeightNoise;
import occam.training.task.Dataset;

/**
 * One training run: {@link #run} builds the split, the model and the optimizer from a {@link TrainingConfig}, trains
 * for the configured epochs and reports to listeners; it returns what happened. The CLI and the tests both call it.
 *
 * <p>An epoch is one pass over the training split in minibatches, reshuffled every epoch. An update: (noisy)
 * weights, forward, loss, backward; the spectral penalty's gradient added to the 2-D weights' gradients; AdamW.
 *
 * <p>Randomness comes from the run's seed through four independent streams (split, initialization, minibatch order,
 * weight noise), so the same seed and settings on the CPU give the same checkpoints.
 */
public final class Trainer {

    /** Examples per forward pass when evaluating a whole split: bounds memory (sub peaked at 1.4 GB with 4096, 0.5 GB with 1024), not results. */
    static final int EVAL_CHUNK = 1024;

    private final TrainingConfig config;
    private final List<TrainingListener> listeners;

    private Trainer(TrainingConfig config, List<TrainingListener> listeners) {
        this.config = config;
        this.listeners = listeners;
    }

    /** Trains one run; writes it to {@code config.out()} when set, and reports to {@code extra} listeners. */
    public static TrainingResult run(TrainingConfig config, TrainingListener... extra) {
        List<TrainingListener> listeners = new ArrayList<>();
        if (config.out() != null) {
            listeners.add(new ArchiveRecorder(config.out()));
        }
        listeners.addAll(Arrays.asList(extra));
        return new Trainer(config, listeners).train();
    }

    private TrainingResult train() {
        long started = System.nanoTime();
        NativeMemory.retainFreedMemory();
        Engine engine = Engine.getInstance();
        if ("PyTorch".equals(engine.getEngineName())) {
            JniUtils.setNumThreads(config.threads() > 0 ? config.threads() : defaultThreads());
        }
        Device device = config.device().resolve(engine);

        SplittableRandom seeds = new SplittableRandom(config.seed());
        long splitSeed = seeds.nextLong();
        long initSeed = seeds.nextLong();
        long shuffleSeed = seeds.nextLong();
        long noiseSeed = seeds.nextLong();

        Dataset data = Dataset.generate(config.task(), config.p(), config.trainFraction(), splitSeed);
        ModelSpec spec = ModelSpec.paper(config.p(), config.layers());
        int batchSize = config.batchSizeFor(data.nTrain());
        RunInfo run = new RunInfo(config.runId(), config.task().id(), config.p(), config.trainFraction(),
                data.nTrain(), data.nTest(), config.seed(), config.regime().id(), spec,
                new TrainingSettings(config.epochs(), batchSize, config.learningRate(), config.adamBeta1(),
                        config.adamBeta2(), config.adamEps(), config.weightDecay(), config.spectralBeta(),
                        config.noiseStd()),
                device.toString(), codeVersion(), Instant.now());
        for (TrainingListener l : listeners) {
            l.onStart(run, data);
        }

        Set<Integer> checkpointEpochs = new HashSet<>(CheckpointSchedule.epochs(config.epochs()));
        int[] trainIds = data.trainIds();
        List<Evaluation> evaluations = new ArrayList<>();
        List<EpochMetrics> checkpoints = new ArrayList<>();
        long trainNanos = 0;
        long penaltyNanos = 0;
        long decompositionNanos = 0;
        long evalNanos = 0;
        long recordNanos = 0;
        long trainCpuNanos = 0;
        long decompositionCpuNanos = 0;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();

        try (NDManager manager = NDManager.newBaseManager(device);
                TorchLinalg linalg = config.spectralBeta() > 0 ? new TorchLinalg(manager) : null;
                SpectralPenalty penalty = linalg != null ? new SpectralPenalty(config.spectralBeta(), linalg) : null) {
            // the engine's generator draws only the weight noise; everything else is drawn in Java
            engine.setRandomSeed((int) (noiseSeed ^ (noiseSeed >>> 32)));
            Weights weights = Weights.create(spec, Initializer.initialize(spec, initSeed), manager, true);
            AdamW optimizer = new AdamW(config.learningRate(), config.adamBeta1(), config.adamBeta2(),
                    config.adamEps(), config.weightDecay());
            WeightNoise noise = new WeightNoise(config.noiseStd());
            SplittableRandom shuffle = new SplittableRandom(shuffleSeed);
            UpdateStep step = new UpdateStep(data, manager, weights, optimizer, noise, penalty, spec.probabilityClip());
            Evaluation latest = null;

            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                int[] order = permutation(trainIds, shuffle);
                double lossSum = 0;
                int batches = 0;
                long t0 = System.nanoTime();
                long c0 = cpu.getCurrentThreadCpuTime();
                for (int from = 0; from < order.length; from += batchSize) {
                    int[] batch = Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize));
                    double loss = step.run(batch);
                    if (!Double.isFinite(loss)) {
                        throw new ArithmeticException("run " + config.runId() + ": loss is " + loss + " at epoch " + epoch
                                + ", update " + optimizer.steps() + " (training diverged)");
                    }
                    lossSum += loss;
                    batches++;
                }
                trainNanos += System.nanoTime() - t0;
                trainCpuNanos += cpu.getCurrentThreadCpuTime() - c0;
                penaltyNanos += step.takePenaltyNanos();
                if (penalty != null) {
                    decompositionNanos += penalty.takeWorkNanos();
                    decompositionCpuNanos += penalty.takeWorkCpuNanos();
                }

                boolean checkpoint = checkpointEpochs.contains(epoch);
                if (checkpoint || epoch % config.evalEvery() == 0) {
                    long t1 = System.nanoTime();
                    latest = evaluate(epoch, data, weights, manager, spec.probabilityClip());
                    evaluations.add(latest);
                    evalNanos += System.nanoTime() - t1;
                }
                if (checkpoint) {
                    long t2 = System.nanoTime();
                    checkpoints.add(checkpoint(latest, optimizer.steps(), weights, spec, seconds(t2 - started)));
                    recordNanos += System.nanoTime() - t2;
                }
                EpochState state = new EpochState(epoch, config.epochs(), optimizer.steps(), lossSum / batches, latest,
                        seconds(System.nanoTime() - started));
                for (TrainingListener l : listeners) {
                    l.onEpoch(state);
                }
            }
            TrainingResult result = new TrainingResult(run, optimizer.steps(), List.copyOf(evaluations),
                    List.copyOf(checkpoints), new TrainingResult.Timings(seconds(System.nanoTime() - started),
                            seconds(trainNanos), seconds(penaltyNanos), seconds(decompositionNanos), seconds(evalNanos),
                            seconds(recordNanos), seconds(trainCpuNanos), seconds(decompositionCpuNanos)));
            for (TrainingListener l : listeners) {
                l.onEnd(result);
            }
            return result;
        }
    }

    /** Snapshots every tensor, computes the epoch's metrics and hands both to the listeners. */
    private EpochMetrics checkpoint(Evaluation e, long updateStep, Weights weights, ModelSpec spec, double elapsed) {
        Map<String, Tensor> tensors = weights.snapshot();
        EpochMetrics metrics = metrics(e, updateStep, tensors, spec, elapsed);
        Checkpoint c = new Checkpoint(config.runId(), e.epoch(), updateStep, tensors);
        for (TrainingListener l : listeners) {
            l.onCheckpoint(c, metrics);
        }
        return metrics;
    }

    /** Loss and accuracy of the clean weights on both whole splits. */
    static Evaluation evaluate(int epoch, Dataset data, Weights weights, NDManager manager, double clip) {
        double[] train = lossAndAccuracy(data, data.trainIds(), weights, manager, clip);
        double[] test = lossAndAccuracy(data, data.testIds(), weights, manager, clip);
        return new Evaluation(epoch, train[0], train[1], test[0], test[1]);
    }

    private static double[] lossAndAccuracy(Dataset data, int[] ids, Weights weights, NDManager manager, double clip) {
        double lossSum = 0;
        double correct = 0;
        for (int from = 0; from < ids.length; from += EVAL_CHUNK) {
            int[] chunk = Arrays.copyOfRange(ids, from, Math.min(ids.length, from + EVAL_CHUNK));
            try (NDScope scope = new NDScope(); NDManager s = manager.newSubManager()) {
                NDArray tokens = s.create(data.tokens(chunk), new Shape(chunk.length, 4));
                NDArray labels = s.create(data.labels(chunk));
                NDArray logits = Transformer.logits(weights, tokens);
                lossSum += Transformer.losses(logits, labels, clip).toType(DataType.FLOAT64, false)
                        .sum().getDouble();
                correct += Transformer.correct(logits, labels).sum().getFloat();
            }
        }
        return new double[] {lossSum / ids.length, correct / ids.length};
    }

    /** The metrics row of a checkpoint, from its evaluation and its tensors. */
    static EpochMetrics metrics(Evaluation e, long updateStep, Map<String, Tensor> tensors, ModelSpec spec, double elapsed) {
        double squares = 0;
        for (Tensor t : tensors.values()) {
            for (float v : t.values()) {
                squares += (double) v * v;
            }
        }
        Map<String, Double> entropy = new LinkedHashMap<>();
        Map<String, Double> rank = new LinkedHashMap<>();
        double entropySum = 0;
        double rankSum = 0;
        for (var m : spec.matrices()) {
            double h = SpectralEntropy.entropy(tensors.get(m.name()));
            entropy.put(m.name(), h);
            rank.put(m.name(), Math.exp(h));
            entropySum += h;
            rankSum += Math.exp(h);
        }
        int n = entropy.size();
        return new EpochMetrics(e.epoch(), updateStep, e.trainLoss(), e.trainAccuracy(), e.testLoss(), e.testAccuracy(),
                Math.sqrt(squares), entropySum / n, rankSum / n, entropy, rank, elapsed);
    }

    /** A Fisher-Yates shuffle of {@code ids}. */
    static int[] permutation(int[] ids, SplittableRandom random) {
        int[] out = ids.clone();
        for (int i = out.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    /**
     * Half the cores, at least one. The model's matrices are small, so a second intra-op thread gains little
     * (about 20% on an idle 2-core machine) and loses a lot when the cores are shared: measured on 2 busy cores,
     * one thread ran an epoch of add 2-9x faster than two. The spectral penalty has a thread of its own.
     */
    static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** "occam-training <version>", from the build. */
    static String codeVersion() {
        Properties p = new Properties();
        try (InputStream in = Trainer.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "occam-training " + p.getProperty("version", "unknown");
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
