package occam.analysis.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import occam.analysis.engine.codec.IntegerCodec;
import occam.analysis.engine.codec.PaperCodec;
import occam.analysis.engine.coarse.CoarseGrainer;
import occam.analysis.engine.loss.LossEvaluator;
import occam.analysis.engine.loss.LossResult;
import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.search.CoarseSearch;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.Table;
import occam.schemas.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CheckpointAnalyzerTest {

    private static final int P = 7;
    private static final ModelSpec SPEC = TestModels.tiny(1);
    private static final AnalysisSettings SETTINGS = AnalysisSettings.defaults();

    private static Checkpoint checkpoint;
    private static List<Example> train;
    private static CheckpointAnalysis analysis;

    @BeforeAll
    static void analyzeOnce() {
        TestModels.Teacher t = TestModels.teacher(SPEC, "tiny-add", 40, 9, 12f, TestModels.addition(P, true));
        checkpoint = t.checkpoint();
        train = t.examples();
        analysis = CheckpointAnalyzer.analyze(run(train), checkpoint, SETTINGS, 1);
    }

    private static RunContext run(List<Example> split) {
        return new RunContext("tiny-add", SPEC, P, split);
    }

    @Test
    void everyBestPointMeetsItsBoundWhenRebuiltFromItsBytes() {
        LossEvaluator evaluator = LossEvaluator.prepare(SPEC, train);
        CoarseGrainer grainer = CoarseGrainer.of(SPEC, CoarseModel.of(SPEC, checkpoint));
        double base = analysis.baseline().lossNats();
        int searched = 0;
        for (ComplexityRow row : analysis.complexity()) {
            if (!row.source().equals(ComplexityRow.SOURCE_SEARCH) || !row.codec().equals(PaperCodec.NAME)) {
                continue;
            }
            searched++;
            byte[] bytes = PaperCodec.encode(grainer.build(row.tau(), row.delta()));
            assertEquals(row.compressedBytes(), bytes.length, "size of epsilon " + row.epsilon());
            CoarseModel decoded = PaperCodec.decode(bytes);
            assertEquals(row.ranksKept(), decoded.ranksKept());
            LossResult r = evaluator.evaluate(decoded);
            assertEquals(row.lossNats(), r.meanLossNats(), 0.0, "decoded loss equals the evaluated one exactly");
            assertEquals(row.dataBits(), r.dataBits(), 0.0);
            assertTrue(r.meanLossNats() <= base + row.epsilon(), "epsilon " + row.epsilon() + ": increase " + (r.meanLossNats() - base));
        }
        assertTrue(searched >= 5, "the search met most bounds: " + searched);
    }

    @Test
    void everyStoredModelDecodesToItsRowsSizeAndLoss() {
        LossEvaluator evaluator = LossEvaluator.prepare(SPEC, train);
        java.util.Map<String, ComplexityRow> rows = new java.util.HashMap<>();
        analysis.complexity().forEach(r -> rows.put(r.epsilon() + "/" + r.codec(), r));
        assertEquals(analysis.complexity().stream().filter(r -> r.source().equals(ComplexityRow.SOURCE_SEARCH)).count(),
                analysis.models().size(), "one stored model per searched row");
        for (StoredModel m : analysis.models()) {
            ComplexityRow row = rows.get(m.epsilon() + "/" + m.codec());
            assertEquals(row.compressedBytes(), m.message().length, m.codec() + " at epsilon " + m.epsilon());
            occam.analysis.engine.codec.Codec codec = m.codec().equals(PaperCodec.NAME) ? occam.analysis.engine.codec.Codec.PAPER
                    : occam.analysis.engine.codec.Codec.INTEGER;
            LossResult r = evaluator.evaluate(codec.decode(m.message()));
            assertEquals(row.lossNats(), r.meanLossNats(), 0.0, "decoded loss equals the reported one exactly");
        }
        for (double epsilon : SETTINGS.epsilons()) {
            ComplexityRow paper = rows.get(epsilon + "/paper");
            ComplexityRow integer = rows.get(epsilon + "/integer");
            if (paper.source().equals(ComplexityRow.SOURCE_SEARCH)) {
                long integerOfPapersBest = occam.analysis.engine.codec.Codec.INTEGER.size(
                        CoarseGrainer.of(SPEC, CoarseModel.of(SPEC, checkpoint)).build(paper.tau(), paper.delta()),
                        occam.analysis.engine.codec.StepSizes.uniform(paper.delta()));
                assertTrue(integer.compressedBytes() <= integerOfPapersBest, "the integer codec chooses for its own size");
                assertTrue(integer.lossIncreaseNats() <= epsilon);
            }
        }
    }

    @Test
    void smallerEpsilonNeverGivesASmallerSize() {
        List<ComplexityRow> rows = analysis.complexity().stream().filter(r -> r.codec().equals(PaperCodec.NAME)).toList();
        assertEquals(SETTINGS.epsilons().size(), rows.size());
        for (ComplexityRow a : rows) {
            for (ComplexityRow b : rows) {
                if (a.epsilon() < b.epsilon()) {
                    assertTrue(a.compressedBytes() >= b.compressedBytes(), "epsilon " + a.epsilon() + " vs " + b.epsilon());
                }
            }
        }
        assertTrue(rows.get(0).compressedBytes() < analysis.baseline().naiveBzip2Bytes(), "coarse-graining compresses");
    }

    @Test
    void theIntegerCodecsBestIsItsOwnAndNeverLargerThanOnTheSearchedModels() {
        for (String codec : List.of(PaperCodec.NAME, IntegerCodec.NAME)) {
            List<ComplexityRow> rows = analysis.complexity().stream().filter(r -> r.codec().equals(codec)).toList();
            for (int i = 1; i < rows.size(); i++) {
                assertTrue(rows.get(i).epsilon() < rows.get(i - 1).epsilon());
                assertTrue(rows.get(i).compressedBytes() >= rows.get(i - 1).compressedBytes(), codec + ": non-increasing in epsilon");
            }
        }
        for (ComplexityRow row : analysis.complexity()) {
            if (!row.codec().equals(IntegerCodec.NAME) || !row.source().equals(ComplexityRow.SOURCE_SEARCH)) {
                assertTrue(row.source().equals(ComplexityRow.SOURCE_NAIVE) ? row.factorSplit() == null : "paper".equals(row.factorSplit()));
                continue;
            }
            long searched = analysis.evaluations().stream().filter(e -> e.integerBytes() != null && e.lossIncreaseNats() <= row.epsilon())
                    .mapToLong(EvaluationRow::integerBytes).min().orElseThrow();
            assertTrue(row.compressedBytes() <= searched, "epsilon " + row.epsilon() + ": " + row.compressedBytes() + " > " + searched);
            assertTrue(List.of("paper", "balanced").contains(row.factorSplit()));
            if (row.factorSplit().equals("balanced")) {
                assertTrue(row.compressedBytes() < searched, "balanced only where smaller");
            }
        }
    }

    @Test
    void rowsCarryWhatTheTablesNeed() {
        String hash = SETTINGS.hash();
        BaselineRow b = analysis.baseline();
        assertEquals(Table.SCHEMA_VERSION, b.schemaVersion());
        assertEquals(hash, b.settingsHash());
        assertEquals(SPEC.parameterCount(), b.nParameters());
        assertEquals(4 * SPEC.parameterCount(), b.rawBytes());
        assertEquals(PaperCodec.encode(CoarseModel.of(SPEC, checkpoint)).length, b.naiveBzip2Bytes());
        assertEquals(1.0, b.trainAccuracy(), "the teacher split is fitted");
        assertEquals(train.size() * Math.log(P) / Math.log(2), b.labelCodeBits(), 1e-9);

        List<EvaluationRow> ev = analysis.evaluations();
        Set<String> models = new HashSet<>();
        for (int i = 0; i < ev.size(); i++) {
            EvaluationRow r = ev.get(i);
            assertEquals(i, r.pointIndex());
            assertEquals(hash, r.settingsHash());
            assertTrue(models.add(r.ranksKept() + "@" + r.delta()), "each coarse model once: " + r);
            assertEquals(r.phase().equals(CoarseSearch.REFINE) || r.phase().equals(CoarseSearch.WALK), r.epsilon() != null,
                    "only refine and walk points carry an epsilon");
            assertEquals(9, r.ranksKept().split(",").length);
            assertEquals(r.lossNats() - b.lossNats(), r.lossIncreaseNats(), 1e-12);
            Double smallest = null;
            for (double e : SETTINGS.epsilons()) {
                if (r.lossIncreaseNats() <= e && (smallest == null || e < smallest)) {
                    smallest = e;
                }
            }
            assertEquals(smallest, r.smallestValidEpsilon());
            assertEquals(r.phase().equals(CoarseSearch.QUANTIZATION), r.tau() == 1.0, "tau = 1 is Algorithm 2's");
            assertTrue(r.level() >= 0 && r.level() < SETTINGS.levels());
        }
        assertEquals(SETTINGS.deltaMin(), ev.get(0).delta(), "Algorithm 2 comes first, from the smallest Delta");
        assertEquals(SETTINGS.deltaMax(), ev.get(1).delta());
        assertEquals(ev.stream().filter(r -> r.compressedBytes() != null).count(), analysis.stats().compressed());
        assertTrue(analysis.stats().compressed() < ev.size(), "models that cannot become a best are not compressed");
        for (ComplexityRow c : analysis.complexity()) {
            assertEquals(8.0 * c.compressedBytes(), c.complexityBits());
            assertEquals(c.complexityBits() + c.dataBits(), c.totalDescriptionBits());
            assertEquals(train.size(), c.nTrain());
            assertEquals(c.generalizationBound() >= 1, c.boundVacuous());
            // the integer codec's rows also count the balanced-split models, which are no evaluation rows
            assertTrue(c.pointsEvaluated() >= 1 && (c.pointsEvaluated() <= ev.size() || !c.codec().equals(PaperCodec.NAME)));
            if (c.quantizationOnlyDelta() != null) {
                assertTrue(c.quantizationOnlyBytes() >= c.compressedBytes(), "the search includes Algorithm 2's points");
            }
            if (c.source().equals(ComplexityRow.SOURCE_SEARCH)) {
                assertNotNull(c.bestLevel());
                assertNotNull(c.halfBudgetBytes(), "two levels: the first one's best is the half-budget answer");
                assertTrue(c.halfBudgetBytes() >= c.compressedBytes(), "the second level never gives a larger best");
            }
            if (!c.codec().equals(PaperCodec.NAME)) {
                continue; // spectra report the paper codec's best (its ranks)
            }
            List<SpectrumRow> spectra = analysis.spectra().stream().filter(s -> s.epsilon() == c.epsilon()).toList();
            assertEquals(9, spectra.size());
            String[] ranks = c.ranksKept().split(",");
            for (int i = 0; i < 9; i++) {
                SpectrumRow s = spectra.get(i);
                assertEquals(SPEC.matrices().get(i).name(), s.tensor());
                assertEquals(ranks[i].equals("dense") ? Math.min(s.rows(), s.cols()) : Integer.parseInt(ranks[i]), s.rankKept());
                assertEquals(!ranks[i].equals("dense"), s.factored());
                assertEquals(Math.exp(s.spectralEntropyNats()), s.effectiveRank(), 1e-9);
            }
        }
        assertEquals(analysis.complexity().stream().filter(c -> c.source().equals(ComplexityRow.SOURCE_SEARCH)
                && c.codec().equals(PaperCodec.NAME)).count(),
                analysis.rateDistortionFits().get(0).nPoints(), "an epsilon no model meets stays out of the fit");
        assertEquals(analysis.stats().models(), ev.size());
        assertTrue(analysis.stats().balancedModels() > 0,
                "the integer codec's pass evaluates balanced-split models, counted apart");
    }

    @Test
    void sameInputsGiveIdenticalRowsWhateverTheThreadCount() {
        CheckpointAnalysis again = CheckpointAnalyzer.analyze(run(train), checkpoint, SETTINGS, 2);
        assertTrue(again.sameRows(analysis), "threads 2 vs 1");
        CheckpointAnalysis third = CheckpointAnalyzer.analyze(run(train), checkpoint, SETTINGS, 1);
        assertEquals(analysis.evaluations(), third.evaluations());
        assertEquals(analysis.complexity(), third.complexity());
    }

    @Test
    void naiveStandsInWhenNoPointMeetsTheBound() {
        // Delta in [0.5, 1] zeroes nearly every weight of this confident model: no point stays within 1e-6 nats
        AnalysisSettings coarse = new AnalysisSettings(List.of(1e-6), 0.5, 2, 0.5, 1.0, 2, 1, 1, 64, 0, 0.05, "paper");
        CheckpointAnalysis a = CheckpointAnalyzer.analyze(run(train), checkpoint, coarse, 1);
        ComplexityRow row = a.complexity().get(0);
        assertEquals(ComplexityRow.SOURCE_NAIVE, row.source());
        assertEquals(a.baseline().naiveBzip2Bytes(), row.compressedBytes());
        assertEquals(1.0, row.tau());
        assertEquals(0.0, row.delta());
        assertEquals(0.0, row.lossIncreaseNats());
        assertEquals("dense,dense,dense,dense,dense,dense,dense,dense,dense", row.ranksKept());
        assertNull(row.quantizationOnlyDelta());
        assertNull(row.quantizationOnlyBytes());
        assertTrue(a.spectra().stream().noneMatch(SpectrumRow::factored));
        assertNull(row.bestLevel());
        assertNull(row.halfBudgetBytes());
        assertEquals(0, a.rateDistortionFits().get(0).nPoints(), "the naive stand-in is not fitted");
    }

    @Test
    void badInputIsRejectedWithItsReason() {
        Map<String, Tensor> tensors = new LinkedHashMap<>(checkpoint.tensors());
        float[] v = tensors.get("layers.0.mlp.in.bias").values().clone();
        v[3] = Float.NaN;
        tensors.put("layers.0.mlp.in.bias", new Tensor(new int[] {v.length}, v));
        Checkpoint nan = new Checkpoint("tiny-add", 41, 1, tensors);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointAnalyzer.analyze(run(train), nan, SETTINGS, 1));
        assertEquals("checkpoint tiny-add@41: tensor 'layers.0.mlp.in.bias' holds NaN at flat index 3", e.getMessage());

        tensors.put("layers.0.mlp.in.bias", checkpoint.tensor("layers.0.mlp.in.bias"));
        tensors.remove("output.bias");
        Checkpoint missing = new Checkpoint("tiny-add", 42, 1, tensors);
        e = assertThrows(IllegalArgumentException.class, () -> CheckpointAnalyzer.analyze(run(train), missing, SETTINGS, 1));
        assertEquals("checkpoint tiny-add@42: tensor 'output.bias' is missing", e.getMessage());

        List<Example> withTest = TestModels.addition(P, false);
        e = assertThrows(IllegalArgumentException.class, () -> CheckpointAnalyzer.analyze(run(withTest), checkpoint, SETTINGS, 1));
        assertEquals("checkpoint tiny-add@40: example 2 of the training split is marked test", e.getMessage());
    }

    @Test
    void aLargerBudgetFirstDoesWhatTheSmallerDoesSoItsBestsAreNeverLarger() {
        CheckpointAnalysis small = CheckpointAnalyzer.analyze(run(train), checkpoint, SETTINGS.withLevels(1), 1);
        CheckpointAnalysis large = CheckpointAnalyzer.analyze(run(train), checkpoint, SETTINGS.withLevels(3), 1);
        List<CheckpointAnalysis> budgets = List.of(small, analysis, large);
        for (int b = 1; b < budgets.size(); b++) {
            List<EvaluationRow> fewer = budgets.get(b - 1).evaluations();
            List<EvaluationRow> more = budgets.get(b).evaluations();
            assertTrue(more.size() > fewer.size());
            for (int i = 0; i < fewer.size(); i++) {
                EvaluationRow f = fewer.get(i);
                EvaluationRow m = more.get(i);
                assertEquals(f.ranksKept() + "@" + f.delta() + ": " + f.lossNats(), m.ranksKept() + "@" + m.delta() + ": " + m.lossNats(),
                        "point " + i + " of the smaller budget comes first in the larger");
            }
            for (int e = 0; e < budgets.get(b - 1).complexity().size(); e++) {
                ComplexityRow f = budgets.get(b - 1).complexity().get(e);
                ComplexityRow m = budgets.get(b).complexity().get(e);
                assertTrue(m.compressedBytes() <= f.compressedBytes(), "epsilon " + f.epsilon() + ", codec " + f.codec());
                if (f.source().equals(ComplexityRow.SOURCE_SEARCH)) {
                    assertEquals(f.compressedBytes(), m.halfBudgetBytes(), "the half-budget answer is the smaller budget's best");
                }
            }
        }
    }

    @Test
    void refinementStaysInsideTheBox() {
        for (EvaluationRow r : analysis.evaluations()) {
            assertTrue(r.tau() >= SETTINGS.tauMin() && r.tau() <= 1, "tau " + r.tau());
            assertTrue(r.delta() >= SETTINGS.deltaMin() && r.delta() <= SETTINGS.deltaMax(), "Delta " + r.delta());
        }
        assertNotNull(analysis.stats());
    }
}
