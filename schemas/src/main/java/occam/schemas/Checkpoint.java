package occam.schemas;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every tensor of a model at one point of training. {@code step} is the epoch the checkpoint was taken at (its
 * identifier); {@code updateStep} the optimizer updates applied by then. Tensors keep their insertion order.
 */
public record Checkpoint(String runId, int step, long updateStep, Map<String, Tensor> tensors) {

    public Checkpoint {
        RunIds.require(runId);
        if (step < 0) {
            throw new IllegalArgumentException("step(" + step + ") < 0");
        }
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("checkpoint " + runId + "@" + step + " has no tensors");
        }
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("checkpoint " + runId + "@" + step + " has no tensor '" + name + "'");
        }
        return t;
    }
}
