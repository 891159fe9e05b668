package occam.training.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import occam.schemas.ModelSpec;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;

/**
 * Which tensor of a checkpoint file becomes which tensor of the model, and how it is reshaped on the way. Every
 * tensor of the file must be mapped (or explicitly ignored) and every tensor of the model must get exactly one
 * source: nothing is guessed, in particular not whether a weight is stored [in, out] or [out, in].
 *
 * <p>Built in: {@link #occam} (occam's own names, unchanged) and {@link #flax} (the paper authors' Flax model,
 * its parameter tree flattened with '/'). Anything else comes from a JSON file, see {@link #fromJson}.
 */
public final class NameMapping {

    /**
     * One source tensor's way into the model: first keep its leading {@code rows} rows (0 keeps all), then
     * transpose it (2-D only), then reshape it (null keeps the shape). A null target ignores the tensor.
     */
    public record Rule(String target, int rows, boolean transpose, int[] reshape) {

        static Rule to(String target) {
            return new Rule(target, 0, false, null);
        }

        static Rule ignore() {
            return new Rule(null, 0, false, null);
        }
    }

    private final String description;
    private final Map<String, Rule> rules;

    private NameMapping(String description, Map<String, Rule> rules) {
        this.description = description;
        this.rules = Map.copyOf(rules);
    }

    public String description() {
        return description;
    }

    /** occam's own tensor names ({@code embed.token}, {@code layers.0.attn.query.weight}, ...), stored [in, out]. */
    public static NameMapping occam(ModelSpec spec) {
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (TensorSpec t : spec.tensors()) {
            rules.put(t.name(), Rule.to(t.name()));
        }
        return new NameMapping("occam", rules);
    }

    /**
     * The authors' Flax model ({@code TransformerDecoder} of their {@code model.py}) with its parameter tree
     * flattened to '/'-joined keys, optionally under a leading {@code params/}: {@code embedding/embedding},
     * {@code positional_embedding/embedding}, {@code decoder_layers_<i>/self_attn/{q,k,v,out}_proj/{kernel,bias}},
     * {@code decoder_layers_<i>/ln1|ln2/{scale,bias}}, {@code decoder_layers_<i>/ffn/layer1|layer2/{kernel,bias}},
     * {@code output_layer/{kernel,bias}}. Flax's Dense kernels are [in, out] like occam's, so nothing is
     * transposed. The authors' positional table has one row per vocabulary token although only the first
     * {@code seqLen} positions are ever looked up; the model's table keeps as many leading rows as the spec has.
     */
    public static NameMapping flax(ModelSpec spec) {
        Map<String, Rule> rules = new LinkedHashMap<>();
        int positionRows = spec.tensors().stream().filter(t -> t.name().equals("embed.position")).findFirst()
                .orElseThrow().shape()[0];
        for (String root : List.of("", "params/")) {
            rules.put(root + "embedding/embedding", Rule.to("embed.token"));
            rules.put(root + "positional_embedding/embedding", new Rule("embed.position", positionRows, false, null));
            for (int layer = 0; layer < spec.numLayers(); layer++) {
                String f = root + "decoder_layers_" + layer + "/";
                String o = "layers." + layer + ".";
                String[][] projections = {{"q_proj", "query"}, {"k_proj", "key"}, {"v_proj", "value"}, {"out_proj", "output"}};
                for (String[] p : projections) {
                    rules.put(f + "self_attn/" + p[0] + "/kernel", Rule.to(o + "attn." + p[1] + ".weight"));
                    rules.put(f + "self_attn/" + p[0] + "/bias", Rule.to(o + "attn." + p[1] + ".bias"));
                }
                rules.put(f + "ln1/scale", Rule.to(o + "norm1.gain"));
                rules.put(f + "ln1/bias", Rule.to(o + "norm1.bias"));
                rules.put(f + "ln2/scale", Rule.to(o + "norm2.gain"));
                rules.put(f + "ln2/bias", Rule.to(o + "norm2.bias"));
                rules.put(f + "ffn/layer1/kernel", Rule.to(o + "mlp.in.weight"));
                rules.put(f + "ffn/layer1/bias", Rule.to(o + "mlp.in.bias"));
                rules.put(f + "ffn/layer2/kernel", Rule.to(o + "mlp.out.weight"));
                rules.put(f + "ffn/layer2/bias", Rule.to(o + "mlp.out.bias"));
            }
            rules.put(root + "output_layer/kernel", Rule.to("output.weight"));
            rules.put(root + "output_layer/bias", Rule.to("output.bias"));
        }
        return new NameMapping("flax", rules);
    }

    /**
     * A mapping file: one JSON object whose keys are the file's tensor names and whose values are either the
     * model's tensor name, or an object {@code {"to": name, "rows": n, "transpose": true, "reshape": [d, ...]}}
     * (all but {@code to} optional, applied in that order), or null to ignore the tensor (a buffer, an optimizer
     * entry). Example: {@code {"embed.weight": "embed.token", "blocks.0.attn.q.weight": {"to":
     * "layers.0.attn.query.weight", "transpose": true}, "mask": null}}.
     */
    public static NameMapping fromJson(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ImportException(file + ": not a readable JSON mapping file: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ImportException(file + ": a mapping file is one JSON object {\"source name\": \"occam name\", ...}");
        }
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = file + ": entry '" + e.getKey() + "'";
            JsonNode v = e.getValue();
            if (v.isNull()) {
                rules.put(e.getKey(), Rule.ignore());
            } else if (v.isTextual()) {
                rules.put(e.getKey(), Rule.to(v.asText()));
            } else if (v.isObject()) {
                for (Iterator<String> keys = v.fieldNames(); keys.hasNext(); ) {
                    String k = keys.next();
                    if (!List.of("to", "rows", "transpose", "reshape").contains(k)) {
                        throw new ImportException(where + ": unknown key '" + k + "' (to, rows, transpose, reshape)");
                    }
                }
                if (!v.path("to").isTextual()) {
                    throw new ImportException(where + ": needs \"to\": the model's tensor name");
                }
                if (v.has("rows") && !(v.get("rows").canConvertToInt() && v.get("rows").asInt() > 0)) {
                    throw new ImportException(where + ": \"rows\" must be a positive count");
                }
                if (v.has("transpose") && !v.get("transpose").isBoolean()) {
                    throw new ImportException(where + ": \"transpose\" must be true or false");
                }
                int[] reshape = v.has("reshape") ? CheckpointFormat.shape(v.get("reshape"), where + " reshape") : null;
                rules.put(e.getKey(), new Rule(v.get("to").asText(), v.path("rows").asInt(0), v.path("transpose").asBoolean(false), reshape));
            } else {
                throw new ImportException(where + ": must be a name, an object {\"to\": ...} or null");
            }
        }
        return new NameMapping(file.getFileName().toString(), rules);
    }

    /**
     * The model's tensors, in the spec's order, built from one file's tensors; every way this can fail names the
     * file and the tensor.
     */
    public Map<String, Tensor> apply(Path file, Map<String, SourceTensor> sources, ModelSpec spec) {
        Map<String, TensorSpec> wanted = new LinkedHashMap<>();
        for (TensorSpec t : spec.tensors()) {
            wanted.put(t.name(), t);
        }
        Map<String, Tensor> mapped = new LinkedHashMap<>();
        Map<String, String> sourceOf = new LinkedHashMap<>();
        for (SourceTensor s : sources.values()) {
            String where = file + ": tensor '" + s.name() + "'";
            Rule rule = rules.get(s.name());
            if (rule == null) {
                throw new ImportException(where + " is not known to the " + description + " name mapping"
                        + " (map it, or map it to null to ignore it, in a mapping file given with --mapping)");
            }
            if (rule.target() == null) {
                continue;
            }
            TensorSpec target = wanted.get(rule.target());
            if (target == null) {
                throw new ImportException(where + " is mapped to '" + rule.target() + "', which is not a tensor of the model");
            }
            if (sourceOf.containsKey(target.name())) {
                throw new ImportException(where + " and tensor '" + sourceOf.get(target.name()) + "' are both mapped to '"
                        + target.name() + "'");
            }
            float[] values = s.values();
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new ImportException(where + " has " + values[i] + " at element " + i);
                }
            }
            Tensor t = transform(s, rule, where);
            if (!Arrays.equals(t.shape(), target.shape())) {
                String hint = t.shape().length == 2 && t.shape()[0] == target.shape()[1] && t.shape()[1] == target.shape()[0]
                        ? " (stored [out, in]? set \"transpose\": true for it in a mapping file)" : "";
                throw new ImportException(where + " has shape " + Arrays.toString(t.shape()) + " after mapping, but '"
                        + target.name() + "' needs " + Arrays.toString(target.shape()) + hint);
            }
            mapped.put(target.name(), t);
            sourceOf.put(target.name(), s.name());
        }
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (String name : wanted.keySet()) {
            Tensor t = mapped.get(name);
            if (t == null) {
                throw new ImportException(file + ": no tensor is mapped to the model's '" + name + "' ("
                        + description + " name mapping)");
            }
            ordered.put(name, t);
        }
        return ordered;
    }

    /** Which source tensor each model tensor came from, for the provenance record. */
    public String sourceName(Map<String, SourceTensor> sources, String target) {
        for (SourceTensor s : sources.values()) {
            Rule r = rules.get(s.name());
            if (r != null && target.equals(r.target())) {
                return s.name();
            }
        }
        return null;
    }

    private static Tensor transform(SourceTensor s, Rule rule, String where) {
        int[] shape = s.shape();
        float[] values = s.values();
        if (rule.rows() > 0) {
            if (shape.length == 0 || shape[0] < rule.rows()) {
                throw new ImportException(where + " has shape " + Arrays.toString(shape) + ", fewer than the " + rule.rows()
                        + " rows to keep");
            }
            int rowSize = values.length / shape[0];
            values = Arrays.copyOf(values, rule.rows() * rowSize);
            shape[0] = rule.rows();
        }
        if (rule.transpose()) {
            if (shape.length != 2) {
                throw new ImportException(where + " has shape " + Arrays.toString(shape) + ": only 2-D tensors can be transposed");
            }
            int r = shape[0];
            int c = shape[1];
            float[] t = new float[values.length];
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) {
                    t[j * r + i] = values[i * c + j];
                }
            }
            values = t;
            shape = new int[] {c, r};
        }
        if (rule.reshape() != null) {
            long n = 1;
            for (int d : rule.reshape()) {
                n *= d;
            }
            if (n != values.length) {
                throw new ImportException(where + " has " + values.length + " elements and cannot be reshaped to "
                        + Arrays.toString(rule.reshape()));
            }
            shape = rule.reshape();
        }
        return new Tensor(shape, values == s.values() ? values.clone() : values);
    }
}
