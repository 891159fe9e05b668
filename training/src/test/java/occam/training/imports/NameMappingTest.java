package occam.training.imports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import occam.schemas.ModelSpec;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mapping files, their transforms in order, and the step found in a file name. */
class NameMappingTest {

    private static final ModelSpec SPEC = ModelSpec.paper(5, 1); // vocabulary 7

    @TempDir
    Path dir;

    /** Every model tensor under its own name, values 0, 1, 2, ... */
    private static Map<String, SourceTensor> occamSources() {
        Map<String, SourceTensor> s = new LinkedHashMap<>();
        for (TensorSpec t : SPEC.tensors()) {
            float[] v = new float[(int) t.elementCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = i;
            }
            s.put(t.name(), new SourceTensor(t.name(), t.shape(), "float32", v));
        }
        return s;
    }

    @Test
    void rowsThenTransposeThenReshapeAreAppliedInThatOrder() throws Exception {
        Map<String, SourceTensor> s = occamSources();
        s.remove("embed.position");
        float[] v = new float[10 * 128];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        s.put("pos", new SourceTensor("pos", new int[] {10, 128}, "float16", v));
        s.put("unused.buffer", new SourceTensor("unused.buffer", new int[] {2}, "float32", new float[2]));
        // a mapping file maps every tensor of the file: the others here keep occam's names
        StringBuilder others = new StringBuilder();
        for (TensorSpec t : SPEC.tensors()) {
            others.append(t.name().equals("embed.position") ? "" : ", \"" + t.name() + "\": \"" + t.name() + "\"");
        }
        Path file = Files.writeString(dir.resolve("m.json"), "{\"pos\": {\"to\": \"embed.position\", \"rows\": 4,"
                + " \"transpose\": true, \"reshape\": [4, 128]}, \"unused.buffer\": null" + others + "}");
        Map<String, Tensor> out = NameMapping.fromJson(file).apply(dir, s, SPEC);
        // rows: [4, 128] holding r*128 + c; transposed: [128, 4] with (c, r) at c*4 + r; the reshape keeps that order
        float[] got = out.get("embed.position").values();
        assertArrayEquals(new int[] {4, 128}, out.get("embed.position").shape());
        assertEquals(0f, got[0]);
        assertEquals(128f, got[1]);
        assertEquals(3 * 128 + 1f, got[1 * 4 + 3]);

        Files.writeString(file, "{\"pos\": {\"to\": \"embed.position\", \"rows\": 4, \"reshape\": [1024]},"
                + " \"unused.buffer\": null" + others + "}");
        ImportException e = assertThrows(ImportException.class, () -> NameMapping.fromJson(file).apply(dir, s, SPEC));
        assertEquals(dir + ": tensor 'pos' has 512 elements and cannot be reshaped to [1024]", e.getMessage());
    }

    @Test
    void mappingFilesWithUnknownKeysOrValuesAreRejectedByEntry() throws Exception {
        Path file = Files.writeString(dir.resolve("m.json"), "{\"w\": {\"to\": \"output.weight\", \"transposed\": true}}");
        ImportException e = assertThrows(ImportException.class, () -> NameMapping.fromJson(file));
        assertEquals(file + ": entry 'w': unknown key 'transposed' (to, rows, transpose, reshape)", e.getMessage());
        Files.writeString(file, "{\"w\": 3}");
        e = assertThrows(ImportException.class, () -> NameMapping.fromJson(file));
        assertEquals(file + ": entry 'w': must be a name, an object {\"to\": ...} or null", e.getMessage());
        Files.writeString(file, "[1, 2]");
        e = assertThrows(ImportException.class, () -> NameMapping.fromJson(file));
        assertTrue(e.getMessage().startsWith(file + ": a mapping file is one JSON object"), e.getMessage());
    }

    @Test
    void twoSourcesForOneTensorOrATargetOutsideTheModelAreRejected() throws Exception {
        Map<String, SourceTensor> s = occamSources();
        SourceTensor bias = s.get("output.bias");
        s.put("copy", new SourceTensor("copy", bias.shape(), "float32", bias.values()));
        Path file = Files.writeString(dir.resolve("m.json"), "{\"copy\": \"output.bias\"}");
        NameMapping copyOnly = NameMapping.fromJson(file);
        ImportException e = assertThrows(ImportException.class, () -> copyOnly.apply(dir, Map.of("copy", s.get("copy"),
                "x", new SourceTensor("x", new int[] {1}, "float32", new float[1])), SPEC));
        assertTrue(e.getMessage().contains("tensor 'x' is not known to the m.json name mapping"), e.getMessage());

        Files.writeString(file, "{\"copy\": \"output.bias\", \"other\": \"output.bias\"}");
        Map<String, SourceTensor> two = new LinkedHashMap<>();
        two.put("copy", s.get("copy"));
        two.put("other", new SourceTensor("other", bias.shape(), "float32", bias.values()));
        e = assertThrows(ImportException.class, () -> NameMapping.fromJson(file).apply(dir, two, SPEC));
        assertTrue(e.getMessage().contains("tensor 'other' and tensor 'copy' are both mapped to 'output.bias'"), e.getMessage());

        Files.writeString(file, "{\"copy\": \"output.gain\"}");
        e = assertThrows(ImportException.class, () -> NameMapping.fromJson(file).apply(dir, Map.of("copy", s.get("copy")), SPEC));
        assertTrue(e.getMessage().contains("is mapped to 'output.gain', which is not a tensor of the model"), e.getMessage());
    }

    @Test
    void theFlaxMappingKeepsTheLeadingRowsOfAVocabularySizedPositionalTable() {
        Map<String, SourceTensor> flax = new LinkedHashMap<>();
        Map<String, SourceTensor> occam = occamSources();
        NameMapping m = NameMapping.flax(SPEC);
        String[][] names = {{"embedding/embedding", "embed.token"}, {"output_layer/kernel", "output.weight"},
            {"output_layer/bias", "output.bias"}, {"decoder_layers_0/ln1/scale", "layers.0.norm1.gain"}};
        for (String[] n : names) {
            SourceTensor t = occam.remove(n[1]);
            flax.put("params/" + n[0], new SourceTensor("params/" + n[0], t.shape(), "float32", t.values()));
        }
        float[] table = new float[7 * 128]; // one row per vocabulary token
        for (int i = 0; i < table.length; i++) {
            table[i] = -i;
        }
        occam.remove("embed.position");
        flax.put("positional_embedding/embedding", new SourceTensor("positional_embedding/embedding", new int[] {7, 128}, "float32", table));
        // the rest under Flax names too
        for (SourceTensor t : occam.values()) {
            String flaxName = t.name().replace("layers.0.attn.query.", "decoder_layers_0/self_attn/q_proj/")
                    .replace("layers.0.attn.key.", "decoder_layers_0/self_attn/k_proj/")
                    .replace("layers.0.attn.value.", "decoder_layers_0/self_attn/v_proj/")
                    .replace("layers.0.attn.output.", "decoder_layers_0/self_attn/out_proj/")
                    .replace("layers.0.norm1.bias", "decoder_layers_0/ln1/bias")
                    .replace("layers.0.norm2.gain", "decoder_layers_0/ln2/scale")
                    .replace("layers.0.norm2.bias", "decoder_layers_0/ln2/bias")
                    .replace("layers.0.mlp.in.", "decoder_layers_0/ffn/layer1/")
                    .replace("layers.0.mlp.out.", "decoder_layers_0/ffn/layer2/")
                    .replace("weight", "kernel");
            flax.put(flaxName, new SourceTensor(flaxName, t.shape(), "float32", t.values()));
        }
        Map<String, Tensor> out = m.apply(dir, flax, SPEC);
        assertEquals(SPEC.tensors().stream().map(TensorSpec::name).toList(), java.util.List.copyOf(out.keySet()));
        float[] pos = out.get("embed.position").values();
        assertEquals(4 * 128, pos.length);
        assertEquals(-(4 * 128 - 1f), pos[pos.length - 1]);
    }

    @Test
    void theStepIsTheLastNumberInTheNameUnlessThePatternSaysOtherwise() {
        Pattern byDefault = Pattern.compile(SourceFile.DEFAULT_STEP_PATTERN);
        assertEquals(42, SourceFile.stepFromName(Path.of("epoch_0042.pt"), byDefault));
        assertEquals(42, SourceFile.stepFromName(Path.of("run3/model-v2-step-42.safetensors"), byDefault));
        assertEquals(7, SourceFile.stepFromName(Path.of("params_7.npz"), byDefault));
        assertEquals(3, SourceFile.stepFromName(Path.of("epoch3_batch900.pt"), Pattern.compile("epoch(\\d+)")));
        ImportException e = assertThrows(ImportException.class, () -> SourceFile.stepFromName(Path.of("model.safetensors"), byDefault));
        assertTrue(e.getMessage().startsWith("model.safetensors: the step pattern"), e.getMessage());
    }
}
