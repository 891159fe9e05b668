package occam.analysis.engine;

import java.util.List;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.RunInfo;

/**
 * What the engine needs to know about a checkpoint's run: the model's shape, the modulus p (the number of possible
 * labels, for the naive label code n log2 p) and the exact training split the loss is measured on.
 */
public record RunContext(String runId, ModelSpec spec, int p, List<Example> trainSplit) {

    public RunContext {
        trainSplit = List.copyOf(trainSplit);
    }

    public static RunContext of(RunInfo run, List<Example> trainSplit) {
        return new RunContext(run.runId(), run.model(), run.p(), trainSplit);
    }
}
