package occam.training.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import occam.schemas.ModelSpec;
import occam.schemas.Tensor;
import org.junit.jupiter.api.Test;

class InitializerTest {

    private final ModelSpec spec = ModelSpec.paper(113, 1);

    @Test
    void coversTheSpecInCanonicalOrder() {
        Map<String, Tensor> w = Initializer.initialize(spec, 3);
        assertEquals(spec.tensors().stream().map(t -> t.name()).toList(), w.keySet().stream().toList());
        spec.tensors().forEach(t -> assertEquals(t.elementCount(), w.get(t.name()).values().length, t.name()));
        assertEquals(Initializer.initialize(spec, 3), w, "same seed, same values");
    }

    @Test
    void followsTheFlaxDefaults() {
        Map<String, Tensor> w = Initializer.initialize(spec, 5);
        // embeddings N(0, 1/d_model)
        assertStd(w.get("embed.token").values(), 1 / Math.sqrt(128), 0.03);
        // dense weights: std 1/sqrt(fan_in) after truncation at 2 std of the underlying normal
        assertStd(w.get("layers.0.attn.query.weight").values(), 1 / Math.sqrt(128), 0.03);
        assertStd(w.get("layers.0.mlp.out.weight").values(), 1 / Math.sqrt(512), 0.03);
        double bound = 2 / Math.sqrt(512) / Initializer.TRUNCATED_STD;
        for (float v : w.get("layers.0.mlp.out.weight").values()) {
            assertTrue(Math.abs(v) <= bound + 1e-6, v + " beyond the truncation bound " + bound);
        }
        for (float v : w.get("layers.0.mlp.in.bias").values()) {
            assertEquals(0f, v);
        }
        for (float v : w.get("layers.0.norm1.gain").values()) {
            assertEquals(1f, v);
        }
        for (float v : w.get("layers.0.norm2.bias").values()) {
            assertEquals(0f, v);
        }
    }

    private static void assertStd(float[] v, double want, double relTol) {
        double sum = 0;
        double sq = 0;
        for (float x : v) {
            sum += x;
            sq += (double) x * x;
        }
        double mean = sum / v.length;
        double std = Math.sqrt(sq / v.length - mean * mean);
        assertEquals(0, mean, 4 * want / Math.sqrt(v.length), "mean");
        assertEquals(want, std, relTol * want, "std");
    }
}
