package occam.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import occam.schemas.ModelSpec;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;

/**
 * Every parameter of a model as a float32 NDArray, by the names and shapes of {@link ModelSpec#tensors()}, in that
 * order. The arrays belong to the manager they were created on.
 */
public final class Weights {

    private final ModelSpec spec;
    private final Map<String, NDArray> arrays;

    private Weights(ModelSpec spec, Map<String, NDArray> arrays) {
        this.spec = spec;
        this.arrays = Collections.unmodifiableMap(arrays);
    }

    /** Copies {@code values} (every tensor of the spec, with its shape) onto {@code manager}'s device. */
    public static Weights create(ModelSpec spec, Map<String, Tensor> values, NDManager manager, boolean trainable) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (TensorSpec t : spec.tensors()) {
            Tensor v = values.get(t.name());
            if (v == null) {
                throw new IllegalArgumentException("no values for tensor '" + t.name() + "'");
            }
            if (!Arrays.equals(v.shape(), t.shape())) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' has shape " + Arrays.toString(v.shape())
                        + ", the spec says " + Arrays.toString(t.shape()));
            }
            NDArray a = manager.create(v.values(), toShape(t.shape()));
            if (trainable) {
                a.setRequiresGradient(true);
            }
            arrays.put(t.name(), a);
        }
        return new Weights(spec, arrays);
    }

    /** The same spec with other arrays (e.g. the noisy copy of a step): they must cover every tensor. */
    public Weights with(Map<String, NDArray> replaced) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : arrays.keySet()) {
            NDArray a = replaced.get(name);
            if (a == null) {
                throw new IllegalArgumentException("no array for tensor '" + name + "'");
            }
            out.put(name, a);
        }
        return new Weights(spec, out);
    }

    public ModelSpec spec() {
        return spec;
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("model has no tensor '" + name + "'");
        }
        return a;
    }

    /**
     * The rows of {@code embed.position} the model reads, one per input position: the whole table, or its first
     * {@code seqLen} rows when it has one per vocabulary token (the released model's table; the rest is never read).
     */
    public NDArray positions() {
        NDArray table = get("embed.position");
        return spec.positionRows() == spec.seqLen() ? table : table.get("0:" + spec.seqLen() + ", :");
    }

    /** Name to array, in canonical order. */
    public Map<String, NDArray> arrays() {
        return arrays;
    }

    /** Names of the 2-D weights, in canonical order. */
    public List<String> matrixNames() {
        return spec.matrices().stream().map(TensorSpec::name).toList();
    }

    /** The current values, copied to the host, in canonical order. */
    public Map<String, Tensor> snapshot() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            out.put(e.getKey(), toTensor(e.getValue()));
        }
        return out;
    }

    /** An array's values, copied to the host as float32. */
    public static Tensor toTensor(NDArray a) {
        float[] values = a.getDataType() == DataType.FLOAT32 ? a.toFloatArray()
                : a.toType(DataType.FLOAT32, false).toFloatArray();
        return new Tensor(toIntShape(a.getShape()), values);
    }

    static Shape toShape(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            s[i] = shape[i];
        }
        return new Shape(s);
    }

    static int[] toIntShape(Shape shape) {
        int[] s = new int[shape.dimension()];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.toIntExact(shape.get(i));
        }
        return s;
    }
}
