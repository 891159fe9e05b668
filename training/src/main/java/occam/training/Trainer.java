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
import java.nio.file.Files;
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
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.EpochMetrics;
import occam.schemas.ModelSpec;
import occam.schemas.RunInfo;
import occam.schemas.RunLock;
import occam.schemas.Tensor;
import occam.schemas.TrainingSettings;
import occam.schemas.TrainingState;
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
 * weight noise), so the same seed and settings on the CPU give the same checkpoints. Each checkpoint's
 * {@code training_state} holds the rest (AdamW's moments and count, the batch order's generator), so a run resumed
 * from a checkpoint gives the same checkpoints and metrics as one that never stopped.
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

    /**
     * Trains one run; writes it to {@code config.out()} when set, and reports to {@code extra} listeners. When the
     * run is already in that archive (same hyper-parameters, else an {@link IllegalArgumentException} names them),
     * an unfinished run continues from its last checkpoint and ends exactly as an uninterrupted run would; a
     * complete one is not trained again (its result is read from the archive, {@link TrainingResult#trained()} false).
     */
    public static TrainingResult run(TrainingConfig config, TrainingListener... extra) {
        if (config.out() == null) {
            return runLocked(config, extra);
        }
        // one writer per run: a second train of the same run (or an import into it) is refused while this one runs
        try (RunLock lock = RunLock.acquire(new Archive(config.out()), config.runId())) {
            return runLocked(config, extra);
        }
    }

    private static TrainingResult runLocked(TrainingConfig config, TrainingListener... extra) {
        RunPlan plan = RunPlan.of(config);
        if (plan.kind() == RunPlan.Kind.COMPLETE) {
            return recorded(config, plan);
        }
        List<TrainingListener> listeners = new ArrayList<>();
        if (config.out() != null) {
            listeners.add(new ArchiveRecorder(config.out()));
        }
        listeners.addAll(Arrays.asList(extra));
        return new Trainer(config, listeners).train(plan);
    }

    /** The four independent streams a run's seed gives: split, initialization, batch order, weight noise. */
    record Seeds(long split, long init, long batchOrder, long noise) {
        static Seeds of(long seed) {
            SplittableRandom seeds = new SplittableRandom(seed);
            return new Seeds(seeds.nextLong(), seeds.nextLong(), seeds.nextLong(), seeds.nextLong());
        }
    }

    /** The {@code runs} row a new run of {@code config} records (device and time as of now). */
    static RunInfo runInfo(TrainingConfig config) {
        Dataset data = Dataset.generate(config.task(), config.p(), config.trainFraction(), Seeds.of(config.seed()).split());
        return runInfo(config, data, config.device().toString());
    }

    private static RunInfo runInfo(TrainingConfig config, Dataset data, String device) {
        return new RunInfo(config.runId(), config.task().id(), config.p(), config.trainFraction(),
                data.nTrain(), data.nTest(), config.seed(), config.regime().id(), config.modelSpec(),
                new TrainingSettings(config.epochs(), config.batchSizeFor(data.nTrain()), config.learningRate(),
                        config.adamBeta1(), config.adamBeta2(), config.adamEps(), config.weightDecay(),
                        config.spectralBeta(), config.noiseStd(), config.evalEvery()),
                device, codeVersion(), Instant.now());
    }

    private TrainingResult train(RunPlan plan) {
        long started = System.nanoTime();
        NativeMemory.retainFreedMemory();
        Engine engine = Engine.getInstance();
        if ("PyTorch".equals(engine.getEngineName())) {
            JniUtils.setNumThreads(config.threads() > 0 ? config.threads() : defaultThreads());
        }
        Device device = config.device().resolve(engine);

        Seeds seeds = Seeds.of(config.seed());
        Dataset data = Dataset.generate(config.task(), config.p(), config.trainFraction(), seeds.split());
        ModelSpec spec = config.modelSpec();
        int batchSize = config.batchSizeFor(data.nTrain());
        Set<Integer> checkpointEpochs = new HashSet<>(CheckpointSchedule.epochs(config.epochs()));
        List<Evaluation> evaluations = new ArrayList<>();
        List<EpochMetrics> checkpoints = new ArrayList<>();

        RunInfo run;
        Map<String, Tensor> initial;
        TrainingState resumed = null;
        if (plan.kind() == RunPlan.Kind.RESUME) {
            Archive archive = new Archive(config.out());
            run = plan.progress().run();
            requireSameSplit(archive, data);
            int step = plan.progress().resumeStep();
            if (step > 0) {
                Checkpoint c = archive.readCheckpoint(config.runId(), step);
                resumed = archive.readTrainingState(config.runId(), step);
                if (resumed.updateStep() != c.updateStep() || resumed.noiseSeed() != seeds.noise()) {
                    throw new IllegalStateException("run " + config.runId() + ": the training state at epoch " + step
                            + " does not belong to its checkpoint (update " + resumed.updateStep() + " vs "
                            + c.updateStep() + ") or to its seed");
                }
                initial = c.tensors();
            } else {
                initial = Initializer.initialize(spec, seeds.init());
            }
            for (EpochMetrics m : archive.readMetrics(config.runId())) {
                if (m.epoch() <= step) {
                    evaluations.add(new Evaluation(m.epoch(), m.trainLoss(), m.trainAccuracy(), m.testLoss(), m.testAccuracy()));
                    if (checkpointEpochs.contains(m.epoch())) {
                        checkpoints.add(m);
                    }
                }
            }
        } else {
            run = runInfo(config, data, device.toString());
            initial = Initializer.initialize(spec, seeds.init());
        }
        int firstEpoch = plan.startEpoch();
        double elapsedBefore = resumed != null ? resumed.elapsedSeconds() : 0;
        for (TrainingListener l : listeners) {
            l.onStart(run, data, firstEpoch);
        }

        int[] trainIds = data.trainIds();
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
            Weights weights = Weights.create(spec, initial, manager, true);
            AdamW optimizer = new AdamW(config.learningRate(), config.adamBeta1(), config.adamBeta2(),
                    config.adamEps(), config.weightDecay());
            BatchOrder order = BatchOrder.seeded(seeds.batchOrder());
            if (resumed != null) {
                for (Map.Entry<String, NDArray> e : weights.arrays().entrySet()) {
                    Tensor m = resumed.firstMoments().get(e.getKey());
                    Tensor v = resumed.secondMoments().get(e.getKey());
                    if (m == null || v == null) {
                        throw new IllegalStateException("run " + config.runId() + ": the training state at epoch "
                                + resumed.step() + " has no moments for " + e.getKey());
                    }
                    optimizer.restore(resumed.updateStep(), e.getKey(), e.getValue(), m.values(), v.values());
                }
                order = BatchOrder.restored(resumed.batchOrderState());
            }
            WeightNoise noise = new WeightNoise(config.noiseStd(), seeds.noise());
            UpdateStep step = new UpdateStep(data, manager, weights, optimizer, noise, penalty, spec.probabilityClip());
            Evaluation latest = evaluations.isEmpty() ? null : evaluations.get(evaluations.size() - 1);

            for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
                int[] permutation = order.permutation(trainIds);
                double lossSum = 0;
                int batches = 0;
                long t0 = System.nanoTime();
                long c0 = cpu.getCurrentThreadCpuTime();
                for (int from = 0; from < permutation.length; from += batchSize) {
                    int[] batch = Arrays.copyOfRange(permutation, from, Math.min(permutation.length, from + batchSize));
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
                    long t2 = System.nanoTime();
                    Map<String, Tensor> tensors = weights.snapshot();
                    double elapsed = elapsedBefore + seconds(t2 - started);
                    EpochMetrics metrics = metrics(latest, optimizer.steps(), tensors, spec, elapsed);
                    for (TrainingListener l : listeners) {
                        l.onEvaluation(metrics);
                    }
                    if (checkpoint) {
                        checkpoints.add(metrics);
                        Checkpoint c = new Checkpoint(config.runId(), epoch, optimizer.steps(), tensors);
                        TrainingState s = state(epoch, weights, optimizer, order, noise, elapsed);
                        for (TrainingListener l : listeners) {
                            l.onCheckpoint(c, s);
                        }
                    }
                    recordNanos += System.nanoTime() - t2;
                }
                EpochState state = new EpochState(epoch, config.epochs(), optimizer.steps(), lossSum / batches, latest,
                        elapsedBefore + seconds(System.nanoTime() - started));
                for (TrainingListener l : listeners) {
                    l.onEpoch(state);
                }
            }
            TrainingResult result = new TrainingResult(run, optimizer.steps(), List.copyOf(evaluations),
                    List.copyOf(checkpoints), new TrainingResult.Timings(seconds(System.nanoTime() - started),
                            seconds(trainNanos), seconds(penaltyNanos), seconds(decompositionNanos), seconds(evalNanos),
                            seconds(recordNanos), seconds(trainCpuNanos), seconds(decompositionCpuNanos)),
                    firstEpoch);
            for (TrainingListener l : listeners) {
                l.onEnd(result);
            }
            return result;
        }
    }

    /** What resuming after {@code epoch} needs: the optimizer's moments and count, the batch order, the noise seed. */
    private TrainingState state(int epoch, Weights weights, AdamW optimizer, BatchOrder order, WeightNoise noise,
            double elapsed) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        Map<String, Tensor> v = new LinkedHashMap<>();
        for (String name : weights.arrays().keySet()) {
            NDArray[] mv = optimizer.moments().get(name);
            m.put(name, Weights.toTensor(mv[0]));
            v.put(name, Weights.toTensor(mv[1]));
        }
        return new TrainingState(config.runId(), epoch, optimizer.steps(), order.state(), noise.seed(), elapsed, m, v);
    }

    /** A resumed run must draw the split it recorded: the same seed and code give the same one. */
    private void requireSameSplit(Archive archive, Dataset data) {
        if (Files.exists(archive.examplesFile(config.runId()))
                && !archive.readExamples(config.runId()).equals(data.examples())) {
            throw new IllegalStateException("run " + config.runId() + " in " + config.out()
                    + ": its recorded split differs from the one its seed gives now; it cannot be resumed");
        }
    }

    /** The result of a complete run, from its metrics in the archive (no time spent). */
    private static TrainingResult recorded(TrainingConfig config, RunPlan plan) {
        Set<Integer> checkpointEpochs = new HashSet<>(CheckpointSchedule.epochs(config.epochs()));
        List<Evaluation> evaluations = new ArrayList<>();
        List<EpochMetrics> checkpoints = new ArrayList<>();
        long updates = 0;
        for (EpochMetrics m : new Archive(config.out()).readMetrics(config.runId())) {
            evaluations.add(new Evaluation(m.epoch(), m.trainLoss(), m.trainAccuracy(), m.testLoss(), m.testAccuracy()));
            if (checkpointEpochs.contains(m.epoch())) {
                checkpoints.add(m);
            }
            updates = Math.max(updates, m.updateStep());
        }
        return new TrainingResult(plan.progress().run(), updates, List.copyOf(evaluations), List.copyOf(checkpoints),
                new TrainingResult.Timings(0, 0, 0, 0, 0, 0, 0, 0), plan.startEpoch());
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
