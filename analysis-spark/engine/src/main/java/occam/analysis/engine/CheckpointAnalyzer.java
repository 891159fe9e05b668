package occam.analysis.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import occam.analysis.engine.codec.PaperCodec;
import occam.analysis.engine.coarse.CoarseGrainer;
import occam.analysis.engine.coarse.CoarseKey;
import occam.analysis.engine.figures.GeneralizationBound;
import occam.analysis.engine.figures.RateDistortionFit;
import occam.analysis.engine.figures.SpectralSummary;
import occam.analysis.engine.loss.LossEvaluator;
import occam.analysis.engine.loss.LossResult;
import occam.analysis.engine.lowrank.MatrixSvd;
import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.search.CoarseSearch;
import occam.analysis.engine.search.CoarseSearch.Proposal;
import occam.analysis.engine.search.Seeds;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.RunInfo;
import occam.schemas.Table;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;

/**
 * One checkpoint in, every analysis row out: the engine's single entry.
 *
 * <p>Steps: check the input; the checkpoint's own loss and its naive bzip2 size (baseline); one SVD per 2-D
 * weight; the search ({@link CoarseSearch}: Algorithm 2, the grid, Bayesian refinement per epsilon), each distinct
 * coarse model built, evaluated on the whole training split and compressed once; then per epsilon the best model
 * among <em>all</em> models evaluated for the checkpoint that meet the bound (smallest bytes, then smallest loss,
 * then first evaluated). Taking the best over every model, not only those proposed for that epsilon, makes the
 * complexity non-increasing in epsilon by construction. When no model meets a bound, the naive model (the
 * checkpoint itself, bzip2 of its float32 values) stands in with source {@code naive}.
 *
 * <p>Bad input (a missing, extra or misshapen tensor, a NaN or Inf, a test example in the training split) is an
 * {@link IllegalArgumentException} naming the checkpoint and what is wrong, for the caller to quarantine.
 */
public final class CheckpointAnalyzer {

    private CheckpointAnalyzer() {}

    /**
     * The engine's one entry: a run's context and one of its checkpoints in, every row it contributes out.
     * {@code threads} >= 1 (e.g. spark.task.cpus); the rows do not depend on it.
     */
    public static CheckpointAnalysis analyze(RunContext run, Checkpoint checkpoint, AnalysisSettings settings, int threads) {
        if (!run.runId().equals(checkpoint.runId())) {
            throw new IllegalArgumentException("checkpoint " + checkpoint.runId() + "@" + checkpoint.step() + " is not of run " + run.runId());
        }
        return analyze(run.spec(), run.p(), checkpoint, run.trainSplit(), settings, threads);
    }

    /** One thread. */
    public static CheckpointAnalysis analyze(RunInfo run, Checkpoint checkpoint, List<Example> trainSplit, AnalysisSettings settings) {
        return analyze(run, checkpoint, trainSplit, settings, 1);
    }

    /** {@code threads} >= 1 (e.g. spark.task.cpus); the rows do not depend on it. */
    public static CheckpointAnalysis analyze(RunInfo run, Checkpoint checkpoint, List<Example> trainSplit, AnalysisSettings settings,
            int threads) {
        if (!run.runId().equals(checkpoint.runId())) {
            throw new IllegalArgumentException("checkpoint " + checkpoint.runId() + "@" + checkpoint.step() + " is not of run " + run.runId());
        }
        return analyze(run.model(), run.p(), checkpoint, trainSplit, settings, threads);
    }

    /**
     * @param labelCount p, the number of possible labels (for the naive label code n log2 p)
     */
    public static CheckpointAnalysis analyze(ModelSpec spec, int labelCount, Checkpoint checkpoint, List<Example> trainSplit,
            AnalysisSettings settings, int threads) {
        long wall0 = System.nanoTime();
        String where = "checkpoint " + checkpoint.runId() + "@" + checkpoint.step();
        if (threads < 1) {
            throw new IllegalArgumentException("threads(" + threads + ") < 1");
        }
        if (labelCount < 2) {
            throw new IllegalArgumentException("labelCount(" + labelCount + ") < 2");
        }
        checkTensors(spec, checkpoint, where);
        for (Example e : trainSplit) {
            if (!e.train()) {
                throw new IllegalArgumentException(where + ": example " + e.exampleId() + " of the training split is marked test");
            }
        }
        String hash = settings.hash();
        int version = Table.SCHEMA_VERSION;
        String runId = checkpoint.runId();
        int step = checkpoint.step();

        // baseline: the checkpoint itself
        long t0 = System.nanoTime();
        LossEvaluator evaluator = LossEvaluator.prepare(spec, trainSplit);
        CoarseModel original = CoarseModel.of(spec, checkpoint);
        LossResult base = evaluator.evaluate(original);
        long naiveBytes = PaperCodec.compressedSize(original);
        int n = evaluator.examples();
        long params = spec.parameterCount();
        BaselineRow baseline = new BaselineRow(version, hash, runId, step, checkpoint.updateStep(), params, 4 * params, naiveBytes,
                base.meanLossNats(), base.accuracy(), base.dataBits(), n * Math.log(labelCount) / Math.log(2), n);
        long t1 = System.nanoTime();
        CoarseGrainer grainer;
        try {
            grainer = CoarseGrainer.of(spec, original);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        long t2 = System.nanoTime();

        // the search
        Measurer measurer = new Measurer(grainer, evaluator, base.meanLossNats());
        List<Proposal<CoarseKey, Measurement>> proposals = CoarseSearch.run(settings.plan(), measurer,
                epsilon -> Seeds.of(runId, step, epsilon), threads);

        // evaluations: the first proposal of each distinct model, canonical order
        List<Double> epsilons = settings.epsilons();
        Map<CoarseKey, EvaluationRow> rowOf = new HashMap<>();
        List<EvaluationRow> evaluations = new ArrayList<>();
        for (Proposal<CoarseKey, Measurement> p : proposals) {
            if (rowOf.containsKey(p.key())) {
                continue;
            }
            Measurement m = p.measured();
            EvaluationRow row = new EvaluationRow(version, hash, runId, step, p.phase(), p.epsilon(), evaluations.size(), p.tau(),
                    p.delta(), p.key().ranksKept(), m.coarseValues(), m.lossNats(), m.lossIncrease(),
                    smallestValidEpsilon(m.lossIncrease(), epsilons), m.accuracy(), m.dataBits(), m.compressedBytes());
            rowOf.put(p.key(), row);
            evaluations.add(row);
        }

        // per epsilon: the best model, Algorithm 2's answer, and the spectra at the best model's ranks
        List<ComplexityRow> complexity = new ArrayList<>();
        List<SpectrumRow> spectra = new ArrayList<>();
        List<MatrixSvd> svds = grainer.svds();
        List<SpectralSummary> summaries = svds.stream().map(s -> SpectralSummary.of(s.singularValues())).toList();
        String allDense = grainer.denseKey(0).ranksKept();
        double[] fitEpsilons = new double[epsilons.size()];
        double[] fitBytes = new double[epsilons.size()];
        for (int e = 0; e < epsilons.size(); e++) {
            double epsilon = epsilons.get(e);
            EvaluationRow best = null;
            CoarseKey bestKey = null;
            for (Proposal<CoarseKey, Measurement> p : proposals) {
                EvaluationRow r = rowOf.get(p.key());
                if (r.lossIncreaseNats() <= epsilon && (best == null || better(r, best))) {
                    best = r;
                    bestKey = p.key();
                }
            }
            Double qDelta = null;
            Long qBytes = null;
            Set<CoarseKey> counted = new HashSet<>();
            for (Proposal<CoarseKey, Measurement> p : proposals) {
                if (p.epsilon() == null || p.epsilon() == epsilon) {
                    counted.add(p.key());
                }
                if (CoarseSearch.QUANTIZATION.equals(p.phase()) && p.measured().lossIncrease() <= epsilon
                        && (qDelta == null || p.delta() > qDelta)) {
                    qDelta = p.delta();
                    qBytes = p.measured().compressedBytes();
                }
            }
            ComplexityRow row;
            if (best != null) {
                row = complexityRow(version, hash, checkpoint, epsilon, ComplexityRow.SOURCE_SEARCH, best.tau(), best.delta(), best.ranksKept(),
                        best.compressedBytes(), best.lossNats(), best.lossIncreaseNats(), 1 - best.trainAccuracy(), best.dataBits(), n,
                        settings.boundDelta(), qDelta, qBytes, counted.size());
            } else {
                row = complexityRow(version, hash, checkpoint, epsilon, ComplexityRow.SOURCE_NAIVE, 1.0, 0.0, allDense, naiveBytes,
                        base.meanLossNats(), 0.0, base.errorRate(), base.dataBits(), n, settings.boundDelta(), qDelta, qBytes,
                        counted.size());
            }
            complexity.add(row);
            fitEpsilons[e] = epsilon;
            fitBytes[e] = row.compressedBytes();
            for (int i = 0; i < svds.size(); i++) {
                MatrixSvd svd = svds.get(i);
                SpectralSummary s = summaries.get(i);
                int k = bestKey == null ? -1 : bestKey.rank(i);
                spectra.add(new SpectrumRow(version, hash, runId, step, epsilon, svd.name(), svd.rows(), svd.cols(), s.entropyNats(),
                        s.effectiveRank(), s.largest(), s.sum(), k >= 0 ? k : svd.fullRank(), k >= 0));
            }
        }
        RateDistortionFit fit = RateDistortionFit.fit(fitEpsilons, fitBytes);
        RateDistortionFitRow fitRow = new RateDistortionFitRow(version, hash, runId, step, checkpoint.updateStep(), fit.slopeA(),
                fit.interceptB(), fit.rSquared(), fit.points());

        AnalysisStats stats = new AnalysisStats(threads, proposals.size(), evaluations.size(), t2 - t1, t1 - t0,
                measurer.coarseNanos.sum(), measurer.lossNanos.sum(), measurer.compressNanos.sum(), System.nanoTime() - wall0);
        return new CheckpointAnalysis(baseline, evaluations, complexity, spectra, fitRow, stats);
    }

    private static boolean better(EvaluationRow a, EvaluationRow b) {
        if (a.compressedBytes() != b.compressedBytes()) {
            return a.compressedBytes() < b.compressedBytes();
        }
        if (a.lossNats() != b.lossNats()) {
            return a.lossNats() < b.lossNats();
        }
        return a.pointIndex() < b.pointIndex();
    }

    private static ComplexityRow complexityRow(int version, String hash, Checkpoint c, double epsilon, String source, double tau,
            double delta, String ranks, long bytes, double loss, double increase, double errorRate, double dataBits, int n,
            double boundDelta, Double qDelta, Long qBytes, int points) {
        double bits = 8.0 * bytes;
        double bound = GeneralizationBound.of(errorRate, bits, n, boundDelta);
        return new ComplexityRow(version, hash, c.runId(), c.step(), c.updateStep(), epsilon, source, tau, delta, ranks, bytes, bits, loss,
                increase, errorRate, dataBits, bits + dataBits, n, bound, bound >= 1, qDelta, qBytes, points);
    }

    static Double smallestValidEpsilon(double increase, List<Double> epsilons) {
        Double smallest = null;
        for (double e : epsilons) {
            if (increase <= e && (smallest == null || e < smallest)) {
                smallest = e;
            }
        }
        return smallest;
    }

    private static void checkTensors(ModelSpec spec, Checkpoint c, String where) {
        Set<String> expected = new HashSet<>();
        for (TensorSpec ts : spec.tensors()) {
            expected.add(ts.name());
            Tensor t = c.tensors().get(ts.name());
            if (t == null) {
                throw new IllegalArgumentException(where + ": tensor '" + ts.name() + "' is missing");
            }
            if (!Arrays.equals(t.shape(), ts.shape())) {
                throw new IllegalArgumentException(where + ": tensor '" + ts.name() + "' has shape " + Arrays.toString(t.shape())
                        + ", the model spec says " + Arrays.toString(ts.shape()));
            }
            float[] v = t.values();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new IllegalArgumentException(where + ": tensor '" + ts.name() + "' holds " + v[i] + " at flat index " + i);
                }
            }
        }
        for (String name : c.tensors().keySet()) {
            if (!expected.contains(name)) {
                throw new IllegalArgumentException(where + ": tensor '" + name + "' is not part of model " + spec.architecture());
            }
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported();

    /** This thread's CPU time where the JVM measures it (other work on shared cores inflates wall time), else wall time. */
    private static long cpuNanos() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** A measured coarse model. */
    record Measurement(double lossNats, double lossIncrease, double accuracy, double dataBits, long compressedBytes, long coarseValues)
            implements CoarseSearch.Measured {}

    /** Builds, evaluates and compresses one coarse model; CPU times summed over threads. */
    private static final class Measurer implements CoarseSearch.Evaluator<CoarseKey, Measurement> {
        final CoarseGrainer grainer;
        final LossEvaluator evaluator;
        final double baseLoss;
        final LongAdder coarseNanos = new LongAdder();
        final LongAdder lossNanos = new LongAdder();
        final LongAdder compressNanos = new LongAdder();

        Measurer(CoarseGrainer grainer, LossEvaluator evaluator, double baseLoss) {
            this.grainer = grainer;
            this.evaluator = evaluator;
            this.baseLoss = baseLoss;
        }

        @Override
        public CoarseKey key(double tau, double delta) {
            return grainer.key(tau, delta);
        }

        @Override
        public Measurement measure(CoarseKey key) {
            long t0 = cpuNanos();
            CoarseModel model = grainer.build(key);
            long t1 = cpuNanos();
            LossResult r = evaluator.evaluate(model);
            long t2 = cpuNanos();
            long bytes = PaperCodec.compressedSize(model);
            long t3 = cpuNanos();
            coarseNanos.add(t1 - t0);
            lossNanos.add(t2 - t1);
            compressNanos.add(t3 - t2);
            return new Measurement(r.meanLossNats(), r.meanLossNats() - baseLoss, r.accuracy(), r.dataBits(), bytes, model.storedValues());
        }
    }
}
