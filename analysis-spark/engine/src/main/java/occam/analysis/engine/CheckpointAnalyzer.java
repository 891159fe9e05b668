package occam.analysis.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import occam.analysis.engine.codec.Codec;
import occam.analysis.engine.codec.PaperCodec;
import occam.analysis.engine.codec.StepSizes;
import occam.analysis.engine.coarse.CoarseGrainer;
import occam.analysis.engine.coarse.CoarseKey;
import occam.analysis.engine.figures.RateDistortionFit;
import occam.analysis.engine.figures.SpectralSummary;
import occam.analysis.engine.loss.LossEvaluator;
import occam.analysis.engine.loss.LossResult;
import occam.analysis.engine.lowrank.MatrixSvd;
import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.search.CoarseSearch;
import occam.analysis.engine.search.SearchResult;
import occam.analysis.engine.search.Seeds;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;

/**
 * One checkpoint in, every analysis row out: the engine's single entry.
 *
 * <p>Steps: check the input; the checkpoint's own loss and its naive bzip2 size (baseline); one SVD per 2-D
 * weight; the search ({@link CoarseSearch}: per rank configuration the largest valid Delta per epsilon by
 * bisection, on nested tau grids, plus Bayesian refinement), each distinct coarse model built and evaluated once
 * and compressed only when it can become a best. Per epsilon the search's {@link SearchResult.Choice} gives the
 * best model among <em>all</em> compressed models of the checkpoint that meet the bound, so the complexity is
 * non-increasing in epsilon by construction. When no model meets a bound, the naive model (the checkpoint
 * itself, bzip2 of its float32 values) stands in with source {@code naive}, and that epsilon is left out of the
 * rate-distortion fit.
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
        long wall0 = System.nanoTime();
        String where = "checkpoint " + checkpoint.runId() + "@" + checkpoint.step();
        if (!run.runId().equals(checkpoint.runId())) {
            throw new IllegalArgumentException(where + " is not of run " + run.runId());
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads(" + threads + ") < 1");
        }
        if (run.p() < 2) {
            throw new IllegalArgumentException("run " + run.runId() + ": p(" + run.p() + ") < 2");
        }
        ModelSpec spec = run.spec();
        checkTensors(spec, checkpoint, where);
        for (Example e : run.trainSplit()) {
            if (!e.train()) {
                throw new IllegalArgumentException(where + ": example " + e.exampleId() + " of the training split is marked test");
            }
        }
        RowHeader header = RowHeader.of(checkpoint, settings.hash());
        String runId = checkpoint.runId();
        int step = checkpoint.step();

        // baseline: the checkpoint itself
        long t0 = System.nanoTime();
        LossEvaluator evaluator = LossEvaluator.prepare(spec, run.trainSplit());
        CoarseModel original = CoarseModel.of(spec, checkpoint);
        LossResult base = evaluator.evaluate(original);
        long naiveBytes = PaperCodec.compressedSize(original);
        int n = evaluator.examples();
        long params = spec.parameterCount();
        BaselineRow baseline = new BaselineRow(header.schemaVersion(), header.settingsHash(), runId, step, checkpoint.updateStep(), params,
                4 * params, naiveBytes, base.meanLossNats(), base.accuracy(), base.dataBits(), n * Math.log(run.p()) / Math.log(2), n);
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
        SearchResult<CoarseKey, Measurement> result = CoarseSearch.run(settings.plan(), measurer,
                epsilon -> Seeds.of(runId, step, epsilon, settings.seed()), threads);
        List<Double> epsilons = settings.epsilons();
        List<EvaluationRow> evaluations = result.points().stream()
                .map(p -> EvaluationRow.of(header, p, epsilons, p.compressedBytes() == null ? null : measurer.integerBytes.get(p.key())))
                .toList();
        LossEvaluator testEvaluator = run.testSplit().isEmpty() ? null : LossEvaluator.prepare(spec, run.testSplit());
        Map<CoarseKey, ComplexityRow.TestFigures> testFigures = new HashMap<>();
        Map<CoarseKey, CoarseModel> bestModels = new HashMap<>();

        // per epsilon: the chosen model, and the spectra at its ranks
        ComplexityRow.Chosen naive = new ComplexityRow.Chosen(ComplexityRow.SOURCE_NAIVE, 1.0, 0.0, grainer.denseKey(0).ranksKept(),
                naiveBytes, base.meanLossNats(), 0.0, base.errorRate(), base.dataBits());
        List<ComplexityRow> complexity = new ArrayList<>();
        List<SpectrumRow> spectra = new ArrayList<>();
        List<MatrixSvd> svds = grainer.svds();
        List<SpectralSummary> summaries = svds.stream().map(s -> SpectralSummary.of(s.singularValues())).toList();
        Map<String, List<double[]>> fitPoints = new LinkedHashMap<>();
        List<StoredModel> models = new ArrayList<>();
        for (SearchResult.Choice<CoarseKey, Measurement> choice : result.choices()) {
            double epsilon = choice.epsilon();
            SearchResult.Point<CoarseKey, Measurement> best = choice.best();
            SearchResult.Point<CoarseKey, Measurement> q = choice.quantizationOnly();
            SearchResult.Point<CoarseKey, Measurement> half = choice.halfBudget();
            int counted = (int) result.points().stream().filter(p -> p.epsilon() == null || p.epsilon() == epsilon).count();
            // the integer codec's own choice among the same compressed (boundary) models: the smallest by its size
            SearchResult.Point<CoarseKey, Measurement> intBest = smallestBy(result, epsilon, Integer.MAX_VALUE, measurer.integerBytes);
            SearchResult.Point<CoarseKey, Measurement> intHalf = result.hasHalfBudget()
                    ? smallestBy(result, epsilon, settings.levels() - 1, measurer.integerBytes) : null;
            SearchResult.Point<CoarseKey, Measurement> intQ = largestQuantizationOnly(result, epsilon);
            for (String codec : List.of(Codec.PAPER.name(), Codec.INTEGER.name())) {
                boolean paper = codec.equals(Codec.PAPER.name());
                SearchResult.Point<CoarseKey, Measurement> b = paper ? best : intBest;
                SearchResult.Point<CoarseKey, Measurement> h = paper ? half : intHalf;
                SearchResult.Point<CoarseKey, Measurement> qq = paper ? q : intQ;
                Long qBytes = qq == null ? null : paper ? qq.compressedBytes() : measurer.integerBytes.get(qq.key());
                ComplexityRow.Chosen chosen = b == null ? naive
                        : chosen(b, paper ? b.compressedBytes() : measurer.integerBytes.get(b.key()));
                Long halfBytes = h == null ? null : paper ? h.compressedBytes() : measurer.integerBytes.get(h.key());
                ComplexityRow.TestFigures test = b == null || testEvaluator == null ? ComplexityRow.TestFigures.NONE
                        : testFigures.computeIfAbsent(b.key(), k -> {
                            LossResult r = testEvaluator.evaluate(bestModels.computeIfAbsent(k, grainer::build));
                            return new ComplexityRow.TestFigures(r.meanLossNats(), r.accuracy());
                        });
                ComplexityRow row = ComplexityRow.of(header, epsilon, codec, chosen, n, settings.boundDelta(),
                        new ComplexityRow.QuantizationOnly(qq == null ? null : qq.delta(), qBytes), counted,
                        new ComplexityRow.Settledness(b == null ? null : b.level(), halfBytes), test);
                complexity.add(row);
                if (b != null) {
                    fitPoints.computeIfAbsent(codec, c -> new ArrayList<>()).add(new double[] {epsilon, row.compressedBytes()});
                    CoarseModel model = bestModels.computeIfAbsent(b.key(), grainer::build);
                    byte[] message = (paper ? Codec.PAPER : Codec.INTEGER).encode(model, StepSizes.uniform(b.key().delta()));
                    if (message.length != row.compressedBytes()) {
                        throw new IllegalStateException(where + ": the " + codec + " message of the best model at epsilon " + epsilon
                                + " is " + message.length + " bytes, its size was measured as " + row.compressedBytes());
                    }
                    models.add(new StoredModel(header.schemaVersion(), header.settingsHash(), runId, step, epsilon, codec,
                            message.length, row.lossNats(), message));
                }
            }
            for (int i = 0; i < svds.size(); i++) {
                MatrixSvd svd = svds.get(i);
                SpectralSummary s = summaries.get(i);
                int k = best == null ? -1 : best.key().rank(i);
                spectra.add(new SpectrumRow(header.schemaVersion(), header.settingsHash(), runId, step, epsilon, svd.name(), svd.rows(),
                        svd.cols(), s.entropyNats(), s.effectiveRank(), s.largest(), s.sum(), k >= 0 ? k : svd.fullRank(), k >= 0));
            }
        }
        List<RateDistortionFitRow> fits = new ArrayList<>();
        for (String codec : List.of(Codec.PAPER.name(), Codec.INTEGER.name())) {
            List<double[]> pts = fitPoints.getOrDefault(codec, List.of());
            RateDistortionFit fit = RateDistortionFit.fit(pts.stream().mapToDouble(x -> x[0]).toArray(),
                    pts.stream().mapToDouble(x -> x[1]).toArray());
            fits.add(new RateDistortionFitRow(header.schemaVersion(), header.settingsHash(), runId, step, checkpoint.updateStep(),
                    fit.slopeA(), fit.interceptB(), fit.rSquared(), fit.points(), codec));
        }

        AnalysisStats stats = new AnalysisStats(threads, evaluations.size(), (int) measurer.compressions.sum(), t2 - t1, t1 - t0,
                measurer.coarseNanos.sum(), measurer.lossNanos.sum(), measurer.compressNanos.sum(), System.nanoTime() - wall0);
        return new CheckpointAnalysis(baseline, evaluations, complexity, spectra, fits, models, stats);
    }

    private static ComplexityRow.Chosen chosen(SearchResult.Point<CoarseKey, Measurement> p, long bytes) {
        Measurement m = p.measured();
        return new ComplexityRow.Chosen(ComplexityRow.SOURCE_SEARCH, p.tau(), p.delta(), p.key().ranksKept(), bytes,
                m.lossNats(), m.lossIncrease(), 1 - m.accuracy(), m.dataBits());
    }

    /**
     * The compressed model meeting {@code epsilon} that is smallest under {@code sizes}, among those measured at a
     * level below {@code levelLimit} (ties: smaller loss increase, then measured first); null when none.
     */
    private static SearchResult.Point<CoarseKey, Measurement> smallestBy(SearchResult<CoarseKey, Measurement> result, double epsilon,
            int levelLimit, Map<CoarseKey, Long> sizes) {
        SearchResult.Point<CoarseKey, Measurement> best = null;
        for (SearchResult.Point<CoarseKey, Measurement> p : result.points()) {
            Long size = sizes.get(p.key());
            if (p.compressedBytes() == null || size == null || p.level() >= levelLimit || !p.meets(epsilon)) {
                continue;
            }
            if (best == null) {
                best = p;
                continue;
            }
            long bestSize = sizes.get(best.key());
            if (size < bestSize || (size == bestSize && p.measured().lossIncrease() < best.measured().lossIncrease())) {
                best = p;
            }
        }
        return best;
    }

    /** Algorithm 2 under any codec: the valid tau = 1 model with the largest Delta (the codec only sizes it). */
    private static SearchResult.Point<CoarseKey, Measurement> largestQuantizationOnly(SearchResult<CoarseKey, Measurement> result,
            double epsilon) {
        SearchResult.Point<CoarseKey, Measurement> best = null;
        for (SearchResult.Point<CoarseKey, Measurement> p : result.points()) {
            if (p.tau() == 1.0 && p.compressedBytes() != null && p.meets(epsilon) && (best == null || p.delta() > best.delta())) {
                best = p;
            }
        }
        return best;
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

    /** A coarse model's loss figures (its size is measured separately, only when it can become a best). */
    record Measurement(double lossNats, double lossIncrease, double accuracy, double dataBits, long coarseValues)
            implements CoarseSearch.Measured {}

    /** Builds and evaluates coarse models, and compresses those the search asks for; CPU times summed over threads. */
    private static final class Measurer implements CoarseSearch.Evaluator<CoarseKey, Measurement> {
        final CoarseGrainer grainer;
        final LossEvaluator evaluator;
        final double baseLoss;
        final LongAdder coarseNanos = new LongAdder();
        final LongAdder lossNanos = new LongAdder();
        final LongAdder compressNanos = new LongAdder();
        final LongAdder compressions = new LongAdder();
        final Map<CoarseKey, Long> integerBytes = new ConcurrentHashMap<>();

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
            coarseNanos.add(t1 - t0);
            lossNanos.add(t2 - t1);
            return new Measurement(r.meanLossNats(), r.meanLossNats() - baseLoss, r.accuracy(), r.dataBits(), model.storedValues());
        }

        @Override
        public long compressedBytes(CoarseKey key) {
            long t0 = cpuNanos();
            CoarseModel model = grainer.build(key);
            long t1 = cpuNanos();
            long bytes = PaperCodec.compressedSize(model);
            // the integer codec sizes the same models: it costs a few ms against bzip2's tens
            integerBytes.put(key, Codec.INTEGER.size(model, StepSizes.uniform(key.delta())));
            long t2 = cpuNanos();
            coarseNanos.add(t1 - t0);
            compressNanos.add(t2 - t1);
            compressions.increment();
            return bytes;
        }
    }
}
