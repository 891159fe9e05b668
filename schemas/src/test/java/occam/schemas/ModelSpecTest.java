package occam.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

    @Test
    void paperModelHasTheHandCountedParameters() {
        // embeddings 115*128 + 4*128; attention 4*(128*128 + 128); two norms 4*128;
        // MLP 128*512 + 512 + 512*128 + 128; output 128*115 + 115
        long oneLayer = 14_720 + 512 + 66_048 + 512 + 131_712 + 14_835;
        assertEquals(228_339, oneLayer);
        assertEquals(oneLayer, ModelSpec.paper(113, 1).parameterCount());
        long perLayer = 66_048 + 512 + 131_712;
        assertEquals(oneLayer + perLayer, ModelSpec.paper(113, 2).parameterCount());
    }

    @Test
    void theReleasedModelHasAPositionRowPerVocabularyToken() {
        ModelSpec spec = ModelSpec.paper(113, 1, ModelSpec.PositionTable.VOCABULARY);
        assertEquals(242_547, spec.parameterCount()); // 228,339 + (115 - 4) * 128
        assertArrayEquals(new int[] {115, 128}, spec.tensors().get(1).shape());
        assertEquals(ModelSpec.PositionTable.VOCABULARY, spec.positionTable());
        assertEquals(ModelSpec.PositionTable.SEQUENCE, ModelSpec.paper(113, 1).positionTable());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec(ModelSpec.ARCHITECTURE, 10, 4, 8, 2, 16, 1, ModelSpec.GELU_TANH, 1e-6, 1e-9, 7));
        assertEquals("positionRows(7) is neither seqLen(4) nor vocabSize(10)", e.getMessage());
    }

    @Test
    void tensorsComeInCanonicalOrderWithInOutShapes() {
        ModelSpec spec = ModelSpec.paper(113, 1);
        List<TensorSpec> t = spec.tensors();
        assertEquals(20, t.size());
        assertEquals("embed.token", t.get(0).name());
        assertArrayEquals(new int[] {115, 128}, t.get(0).shape());
        assertEquals(new TensorSpec("layers.0.mlp.in.weight", new int[] {128, 512}), t.get(12));
        assertEquals(new TensorSpec("output.bias", new int[] {115}), t.get(19));
        assertEquals(List.of("embed.token", "embed.position", "layers.0.attn.query.weight", "layers.0.attn.key.weight",
                "layers.0.attn.value.weight", "layers.0.attn.output.weight", "layers.0.mlp.in.weight",
                "layers.0.mlp.out.weight", "output.weight"), spec.matrices().stream().map(TensorSpec::name).toList());
        assertEquals(32, spec.dHead());
        assertEquals(2 + 6 * 2 + 1, ModelSpec.paper(113, 2).matrices().size()); // embeddings, 6 per layer, output
    }

    @Test
    void invalidSpecsAreRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec("gpt2", 10, 4, 8, 2, 16, 1, ModelSpec.GELU_TANH, 1e-6, 1e-9));
        assertEquals("unknown architecture 'gpt2', expected decoder-postln-v1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec(ModelSpec.ARCHITECTURE, 10, 4, 10, 3, 16, 1, ModelSpec.GELU_TANH, 1e-6, 1e-9));
        assertEquals("dModel(10) is not a multiple of numHeads(3)", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec(ModelSpec.ARCHITECTURE, 10, 4, 8, 2, 16, 0, ModelSpec.GELU_TANH, 1e-6, 1e-9));
        assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec(ModelSpec.ARCHITECTURE, 10, 4, 8, 2, 16, 1, "relu", 1e-6, 1e-9));
    }
}
