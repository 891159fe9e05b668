package occam.analysis.engine.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import occam.schemas.Checkpoint;
import occam.schemas.ModelSpec;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;

/**
 * A whole model as the analysis sees it: every tensor of the model spec, in canonical order, dense or factored.
 * A checkpoint is the coarse model whose tensors are all dense and unquantized.
 */
public final class CoarseModel {

    private final List<CoarseTensor> tensors;
    private final Map<String, CoarseTensor> byName;

    public CoarseModel(List<CoarseTensor> tensors) {
        this.tensors = List.copyOf(tensors);
        Map<String, CoarseTensor> map = new LinkedHashMap<>();
        for (CoarseTensor t : this.tensors) {
            if (map.put(t.name(), t) != null) {
                throw new IllegalArgumentException("coarse model has tensor '" + t.name() + "' twice");
            }
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    /** The checkpoint's tensors as they are, in the spec's order; shapes must match the spec. */
    public static CoarseModel of(ModelSpec spec, Checkpoint checkpoint) {
        List<CoarseTensor> out = new ArrayList<>();
        for (TensorSpec ts : spec.tensors()) {
            Tensor t = checkpoint.tensor(ts.name());
            if (!Arrays.equals(t.shape(), ts.shape())) {
                throw new IllegalArgumentException("checkpoint " + checkpoint.runId() + "@" + checkpoint.step() + ": tensor '" + ts.name()
                        + "' has shape " + Arrays.toString(t.shape()) + ", the model spec says " + Arrays.toString(ts.shape()));
            }
            out.add(CoarseTensor.dense(ts.name(), ts.shape(), t.values()));
        }
        return new CoarseModel(out);
    }

    public List<CoarseTensor> tensors() {
        return tensors;
    }

    public CoarseTensor tensor(String name) {
        CoarseTensor t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("coarse model has no tensor '" + name + "'");
        }
        return t;
    }

    /** Scalars stored over all tensors (factors count rank x (m + n)). */
    public long storedValues() {
        long n = 0;
        for (CoarseTensor t : tensors) {
            n += t.storedValues();
        }
        return n;
    }

    /**
     * The {@code ranks_kept} column: for each 2-D tensor in order, the rank kept, or {@code dense}; comma separated
     * without spaces, e.g. {@code dense,3,dense,12}.
     */
    public String ranksKept() {
        StringBuilder sb = new StringBuilder();
        for (CoarseTensor t : tensors) {
            if (t.dimensions() != 2) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(t.isFactored() ? Integer.toString(t.rank()) : "dense");
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoarseModel m && tensors.equals(m.tensors);
    }

    @Override
    public int hashCode() {
        return tensors.hashCode();
    }

    @Override
    public String toString() {
        return "CoarseModel" + tensors;
    }
}
