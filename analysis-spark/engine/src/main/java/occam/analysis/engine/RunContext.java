package occam.analysis.engine;

import java.util.List;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.RunInfo;

/**
 * What the engine needs to know about a checkpoint's run: the model's shape, the modulus p (the number of possible
 * labels, for the naive label code n log2 p), the exact training split the loss is measured on, and the test split
 * the best models are also measured on (empty: no test figures).
 */
public record RunContext(String runId, ModelSpec spec, int p, List<Example> trainSplit, List<Example> testSplit) {

    public RunContext {
        trainSplit = List.copyOf(trainSplit);
        testSplit = List.copyOf(testSplit);
    }

    /** No test split: the best models' test loss and accuracy stay null. */
    public RunContext(String runId, ModelSpec spec, int p, List<Example> trainSplit) {
        this(runId, spec, p, trainSplit, List.of());
    }

    /** The run's examples as archived: those marked train are the training split, the rest the test split. */
    public static RunContext of(RunInfo run, List<Example> examples) {
        return new RunContext(run.runId(), run.model(), run.p(), examples.stream().filter(Example::train).toList(),
                examples.stream().filter(e -> !e.train()).toList());
    }
}
