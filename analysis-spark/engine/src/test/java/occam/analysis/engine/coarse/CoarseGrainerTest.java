package occam.analysis.engine.coarse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import occam.analysis.engine.TestModels;
import occam.analysis.engine.lowrank.LowRank;
import occam.analysis.engine.lowrank.MatrixSvd;
import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.model.CoarseTensor;
import occam.schemas.ModelSpec;
import org.junit.jupiter.api.Test;

class CoarseGrainerTest {

    private final ModelSpec spec = TestModels.tiny(1);
    private final CoarseModel original = CoarseModel.of(spec, TestModels.structured(spec, "g", 1, 3));
    private final CoarseGrainer grainer = CoarseGrainer.of(spec, original);

    @Test
    void tauOneKeepsEveryMatrixDenseAndQuantizesEverything() {
        CoarseModel m = grainer.build(1.0, 0.25);
        assertEquals("dense,dense,dense,dense,dense,dense,dense,dense,dense", m.ranksKept());
        assertEquals(spec.parameterCount(), m.storedValues());
        for (CoarseTensor t : m.tensors()) {
            for (float v : t.values()) {
                double steps = v / 0.25;
                assertEquals(Math.rint(steps), steps, 1e-6, t.name());
            }
        }
        assertEquals(original, grainer.build(1.0, 0), "Delta 0 and tau 1: the checkpoint itself");
    }

    @Test
    void ranksFollowTheRuleAndFactorsAreQuantized() {
        double tau = 0.7;
        CoarseKey key = grainer.key(tau, 0.01);
        CoarseModel m = grainer.build(key);
        assertEquals(key.ranksKept(), m.ranksKept());
        int i = 0;
        for (CoarseTensor t : m.tensors()) {
            if (t.dimensions() != 2) {
                continue;
            }
            MatrixSvd svd = grainer.svds().get(i++);
            int k = LowRank.rank(svd.singularValues(), tau);
            assertEquals(LowRank.factorsAreSmaller(k, t.rows(), t.cols()), t.isFactored(), t.name());
            if (t.isFactored()) {
                assertEquals(k, t.rank());
                assertEquals((long) k * (t.rows() + t.cols()), t.storedValues());
                for (float v : t.left()) {
                    assertEquals(Math.rint(v / 0.01), v / 0.01, 1e-4, t.name());
                }
            }
        }
        assertTrue(m.storedValues() < spec.parameterCount());
    }

    @Test
    void aTripletsFactorsDoNotDependOnTheRanksKept() {
        // what lets the analysis take models that differ only in triplets quantized to nothing for one function
        double[] taus = grainer.configurationTaus(0);
        for (FactorSplit split : FactorSplit.values()) {
            CoarseModel fewer = grainer.build(grainer.key(taus[2], 0.05), split);
            CoarseModel more = grainer.build(grainer.key(taus[taus.length - 3], 0.05), split);
            int compared = 0;
            for (CoarseTensor a : fewer.tensors()) {
                CoarseTensor b = more.tensor(a.name());
                if (!a.isFactored() && !b.isFactored()) {
                    assertEquals(a, b, "a tensor kept whole is the same at any ranks");
                    continue;
                }
                if (!a.isFactored() || !b.isFactored()) {
                    continue; // kept whole at one of the two
                }
                assertTrue(a.rank() <= b.rank(), a.name());
                for (int j = 0; j < a.rank(); j++, compared++) {
                    for (int i = 0; i < a.rows(); i++) {
                        assertEquals(a.left()[i * a.rank() + j], b.left()[i * b.rank() + j], a.name());
                    }
                    for (int c = 0; c < a.cols(); c++) {
                        assertEquals(a.right()[j * a.cols() + c], b.right()[j * b.cols() + c], a.name());
                    }
                }
            }
            assertTrue(compared > 0, split + ": some triplet compared");
        }
    }

    @Test
    void keysIdentifyModels() {
        assertEquals(grainer.key(0.999999, 0.1).ranksKept().contains("dense"), true);
        assertEquals(grainer.key(0.55, 0.1), grainer.key(0.55, 0.1));
        assertNotEquals(grainer.key(0.55, 0.1), grainer.key(0.55, 0.2));
        assertEquals("dense,3", new CoarseKey(new int[] {-1, 3}, 0.5).ranksKept());
    }

    @Test
    void configurationTausListEveryDistinctConfigurationOnceInTauOrder() {
        for (double tauMin : new double[] {0, 0.5}) {
            double[] taus = grainer.configurationTaus(tauMin);
            assertEquals(tauMin, taus[0]);
            List<CoarseKey> listed = new ArrayList<>();
            for (int i = 0; i < taus.length; i++) {
                assertTrue(i == 0 || taus[i] > taus[i - 1], "ascending");
                listed.add(grainer.key(taus[i], 0.1));
            }
            assertEquals(listed.size(), new HashSet<>(listed).size(), "each configuration once");
            assertEquals(grainer.denseKey(0.1), listed.get(listed.size() - 1), "the last keeps every matrix dense");
            // a fine sweep of tau meets no configuration the list lacks, and meets them in the list's order
            Set<CoarseKey> swept = new HashSet<>();
            int last = 0;
            for (int j = 0; j <= 200_000; j++) {
                CoarseKey k = grainer.key(tauMin + (1 - tauMin) * j / 200_000, 0.1);
                int at = listed.indexOf(k);
                assertTrue(at >= last, "tau " + (tauMin + (1 - tauMin) * j / 200_000) + " gives " + k.ranksKept());
                last = at;
                swept.add(k);
            }
            assertEquals(Set.copyOf(listed), swept, "the sweep meets every listed configuration");
        }
    }
}
