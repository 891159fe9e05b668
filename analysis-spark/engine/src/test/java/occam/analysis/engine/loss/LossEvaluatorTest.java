package occam.analysis.engine.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import occam.analysis.engine.TestModels;
import occam.analysis.engine.coarse.CoarseGrainer;
import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.model.CoarseTensor;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.ReferenceForward;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;
import org.junit.jupiter.api.Test;

class LossEvaluatorTest {

    private static final int P = 7;
    private final List<Example> train = TestModels.addition(P, true);

    @Test
    void zeroModelPredictsUniformly() {
        // Every weight 0: LayerNorm of 0 is its bias (0), so the logits are the output bias (0): p(y) = 1/9 for
        // each of the 33 examples. Loss = ln 9 = 2.1972245773 nats; bits = 33 log2 9 = 104.6105...; arg-max ties
        // go to token 0, so accuracy = share of labels equal to 0 (a + b = 0 mod 7: 7 pairs, 5 of them train).
        ModelSpec spec = TestModels.tiny(1);
        LossResult r = LossEvaluator.evaluate(spec, filled(spec, 0f, Map.of()), train);
        assertEquals(33, r.examples());
        assertEquals(Math.log(9), r.meanLossNats(), 1e-12);
        assertEquals(33 * Math.log(9) / Math.log(2), r.dataBits(), 1e-9);
        long zeros = train.stream().filter(e -> e.label() == 0).count();
        assertEquals(zeros, r.correct());
    }

    @Test
    void probabilitiesAreClippedAsTheTrainerClipsThem() {
        // Output bias 100 on token 0 only: p(0) = 1 - 8e-44 -> clipped to 1 - 1e-9 (loss 1e-9 nats);
        // every other label has p = e^-100 < 1e-9 -> clipped to 1e-9 (loss -ln 1e-9 = 20.7232658369 nats).
        ModelSpec spec = TestModels.tiny(1);
        float[] bias = new float[9];
        bias[0] = 100f;
        LossResult r = LossEvaluator.evaluate(spec, filled(spec, 0f, Map.of("output.bias", bias)), train);
        long zeros = train.stream().filter(e -> e.label() == 0).count();
        double expected = (zeros * -Math.log1p(-1e-9) + (33 - zeros) * -Math.log(1e-9)) / 33;
        assertEquals(expected, r.meanLossNats(), 1e-12);
        assertEquals(expected * 33 / Math.log(2), r.dataBits(), 1e-9);
    }

    @Test
    void matchesTheLiteralModelWithOneAndTwoLayers() {
        for (int layers = 1; layers <= 3; layers++) {
            ModelSpec spec = TestModels.tiny(layers);
            Checkpoint c = TestModels.structured(spec, "ref", 1, 40 + layers);
            CoarseModel model = CoarseModel.of(spec, c);
            assertAgrees(spec, model, "dense, " + layers + " layers");
            CoarseGrainer grainer = CoarseGrainer.of(spec, model);
            CoarseModel coarse = grainer.build(0.6, 0.01);
            assertTrue(coarse.ranksKept().matches(".*\\d.*"), "some matrix is factored: " + coarse.ranksKept());
            assertAgrees(spec, coarse, "factored, " + layers + " layers");
        }
    }

    @Test
    void everyThreadGetsTheSameBits() throws Exception {
        ModelSpec spec = TestModels.tiny(2);
        LossEvaluator evaluator = LossEvaluator.prepare(spec, train);
        CoarseModel model = CoarseModel.of(spec, TestModels.structured(spec, "det", 1, 5));
        LossResult first = evaluator.evaluate(model);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<LossResult>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(pool.submit(() -> evaluator.evaluate(model)));
            }
            for (Future<LossResult> f : results) {
                assertEquals(first, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void deadTripletsAreLeftOutSoOneFunctionHasOneLoss() {
        ModelSpec spec = TestModels.tiny(2);
        CoarseModel model = CoarseGrainer.of(spec, CoarseModel.of(spec, TestModels.structured(spec, "dead", 1, 7))).build(0.9, 0.01);
        CoarseTensor t = model.tensors().stream().filter(x -> x.isFactored() && x.rank() >= 4).findFirst().orElseThrow();
        int k = t.rank();
        int m = t.rows();
        int n = t.cols();
        // triplet 1 dies by its left column, triplet 2 by its right row: both inside the kept ones
        float[] left = t.left().clone();
        float[] right = t.right().clone();
        for (int i = 0; i < m; i++) {
            left[i * k + 1] = 0;
        }
        java.util.Arrays.fill(right, 2 * n, 3 * n, 0f);
        CoarseTensor dead = CoarseTensor.factored(t.name(), m, n, k, left, right);
        assertEquals(java.util.BitSet.valueOf(new long[] {(1L << k) - 1 - 0b110}), dead.liveTriplets());
        // the same matrix with those triplets removed
        float[] keptLeft = new float[m * (k - 2)];
        float[] keptRight = new float[(k - 2) * n];
        for (int j = 0, c = 0; j < k; j++) {
            if (j == 1 || j == 2) {
                continue;
            }
            for (int i = 0; i < m; i++) {
                keptLeft[i * (k - 2) + c] = t.left()[i * k + j];
            }
            System.arraycopy(t.right(), j * n, keptRight, c * n, n);
            c++;
        }
        CoarseTensor removed = CoarseTensor.factored(t.name(), m, n, k - 2, keptLeft, keptRight);
        LossEvaluator evaluator = LossEvaluator.prepare(spec, train);
        assertEquals(evaluator.evaluate(replaced(model, removed)), evaluator.evaluate(replaced(model, dead)));
        assertNotEquals(evaluator.evaluate(model), evaluator.evaluate(replaced(model, dead)), "the triplets did add something");
    }

    private static CoarseModel replaced(CoarseModel model, CoarseTensor tensor) {
        List<CoarseTensor> out = new ArrayList<>();
        for (CoarseTensor t : model.tensors()) {
            out.add(t.name().equals(tensor.name()) ? tensor : t);
        }
        return new CoarseModel(out);
    }

    @Test
    void rejectsExamplesTheModelCannotRead() {
        ModelSpec spec = TestModels.tiny(1);
        List<Example> bad = List.of(new Example(12, 1, 2, 3, new int[] {1, 7, 2, 9}, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LossEvaluator.prepare(spec, bad));
        assertEquals("example 12: token 9 outside [0, 9)", e.getMessage());
    }

    @Test
    void tanhApproximationIsWithinFloatPrecision() {
        double worst = 0;
        for (double x = -12; x <= 12; x += 1e-3) {
            worst = Math.max(worst, Math.abs(Gelu.tanh((float) x) - Math.tanh((float) x)));
        }
        assertTrue(worst < 5e-7, "max |error| " + worst);
    }

    private void assertAgrees(ModelSpec spec, CoarseModel model, String what) {
        LossResult fast = LossEvaluator.prepare(spec, train).evaluate(model);
        ReferenceForward reference = new ReferenceForward(spec, tensors(model));
        double nats = 0;
        int correct = 0;
        for (Example e : train) {
            nats += reference.loss(e.tokens(), e.label());
            correct += reference.prediction(e.tokens()) == e.label() ? 1 : 0;
        }
        double meanNats = nats / train.size();
        assertEquals(meanNats, fast.meanLossNats(), 2e-6 * meanNats, what);
        assertEquals(nats / Math.log(2), fast.dataBits(), 2e-6 * fast.dataBits(), what);
        assertEquals(correct, fast.correct(), what);
    }

    /** The coarse model's tensors, factors multiplied out in double and rounded once to float. */
    private static Map<String, Tensor> tensors(CoarseModel model) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (CoarseTensor t : model.tensors()) {
            if (!t.isFactored()) {
                out.put(t.name(), new Tensor(t.shape(), t.values()));
                continue;
            }
            int m = t.rows();
            int n = t.cols();
            int k = t.rank();
            float[] w = new float[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int c = 0; c < k; c++) {
                        s += (double) t.left()[i * k + c] * t.right()[c * n + j];
                    }
                    w[i * n + j] = (float) s;
                }
            }
            out.put(t.name(), new Tensor(t.shape(), w));
        }
        return out;
    }

    private static Checkpoint filled(ModelSpec spec, float value, Map<String, float[]> overrides) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (TensorSpec ts : spec.tensors()) {
            float[] v = overrides.get(ts.name());
            if (v == null) {
                v = new float[(int) ts.elementCount()];
                java.util.Arrays.fill(v, value);
            }
            tensors.put(ts.name(), new Tensor(ts.shape(), v));
        }
        return new Checkpoint("fixture", 0, 0, tensors);
    }
}
