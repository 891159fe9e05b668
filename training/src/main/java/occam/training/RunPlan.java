package occam.training;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import occam.schemas.Archive;
import occam.schemas.ModelSpec;
import occam.schemas.RunInfo;
import occam.schemas.RunProgress;
import occam.schemas.TrainingSettings;

/**
 * What training a configuration means for its archive: a new run, the rest of an interrupted one, or nothing
 * because the run is complete. {@link #of} refuses, with an {@link IllegalArgumentException} naming the flags, a
 * configuration whose hyper-parameters differ from the recorded run's, and an unfinished run that cannot be resumed.
 */
public record RunPlan(Kind kind, RunProgress progress) {

    public enum Kind {
        /** The run is not in the archive (or nothing is recorded). */
        NEW,
        /** Unfinished: continue from {@link RunProgress#resumeStep()}. */
        RESUME,
        /** Every epoch is recorded: nothing to train. */
        COMPLETE
    }

    public static RunPlan of(TrainingConfig config) {
        if (config.out() == null) {
            return new RunPlan(Kind.NEW, null);
        }
        Archive archive = new Archive(config.out());
        if (!Files.exists(archive.runFile(config.runId()))) {
            return new RunPlan(Kind.NEW, null);
        }
        RunProgress progress = archive.progress(config.runId());
        List<String> differences = differences(progress.run(), Trainer.runInfo(config), progress.savesState());
        String where = "run '" + config.runId() + "' in " + config.out();
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(where + " was trained with other settings: " + String.join(", ", differences)
                    + "; rerun with the run's values to resume it, or choose another --run-id or --out");
        }
        if (progress.complete()) {
            return new RunPlan(Kind.COMPLETE, progress);
        }
        if (!progress.resumable()) {
            throw new IllegalArgumentException(where + " " + progress.describe() + ": choose another --run-id or --out");
        }
        return new RunPlan(Kind.RESUME, progress);
    }

    /** The first epoch to train. */
    public int startEpoch() {
        return switch (kind) {
            case NEW -> 1;
            case RESUME -> progress.resumeStep() + 1;
            case COMPLETE -> progress.plannedEpochs() + 1;
        };
    }

    /** One line for the operator, e.g. "run 'x' in DIR is complete (300 epochs): not trained again". */
    public String describe(TrainingConfig config) {
        String where = "run '" + config.runId() + "' in " + config.out();
        return switch (kind) {
            case NEW -> "new " + where;
            case RESUME -> where + " " + progress.describe() + ": resuming";
            case COMPLETE -> where + " is " + progress.describe() + ": not trained again";
        };
    }

    /** "--flag wanted (the run has recorded)" for every hyper-parameter that differs. */
    static List<String> differences(RunInfo recorded, RunInfo wanted, boolean savesState) {
        List<String> out = new ArrayList<>();
        differ(out, "--task", recorded.task(), wanted.task());
        differ(out, "--regime", recorded.regime(), wanted.regime());
        differ(out, "--p", recorded.p(), wanted.p());
        differ(out, "--seed", recorded.seed(), wanted.seed());
        differ(out, "--train-fraction", recorded.trainFraction(), wanted.trainFraction());
        ModelSpec rm = recorded.model();
        ModelSpec wm = wanted.model();
        differ(out, "--layers", rm.numLayers(), wm.numLayers());
        TrainingSettings r = recorded.training();
        TrainingSettings w = wanted.training();
        differ(out, "--epochs", r.epochs(), w.epochs());
        differ(out, "--batch-size", r.batchSize(), w.batchSize());
        differ(out, "--lr", r.learningRate(), w.learningRate());
        differ(out, "--adam-beta1", r.adamBeta1(), w.adamBeta1());
        differ(out, "--adam-beta2", r.adamBeta2(), w.adamBeta2());
        differ(out, "--adam-eps", r.adamEps(), w.adamEps());
        differ(out, "--weight-decay", r.weightDecay(), w.weightDecay());
        differ(out, "--spectral-beta", r.spectralBeta(), w.spectralBeta());
        differ(out, "--noise-std", r.noiseStd(), w.noiseStd());
        // runs written before these were recorded: their command lines could not choose them
        if (savesState) {
            differ(out, "--position-table", name(rm.positionTable()), name(wm.positionTable()));
            differ(out, "--eval-every", r.evalEvery(), w.evalEvery());
            if (out.isEmpty() && !rm.equals(wm)) {
                out.add("model " + wm + " (the run has " + rm + ")");
            }
        }
        return out;
    }

    private static String name(ModelSpec.PositionTable t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    private static void differ(List<String> out, String flag, Object recorded, Object wanted) {
        if (!Objects.equals(recorded, wanted)) {
            out.add(flag + " " + wanted + " (the run has " + recorded + ")");
        }
    }
}
