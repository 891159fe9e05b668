package occam.training.imports;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import occam.schemas.Archive;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.RunIds;
import occam.schemas.RunInfo;
import occam.schemas.TrainingSettings;
import occam.training.Regime;
import occam.training.TrainingConfig;
import occam.training.task.Dataset;
import occam.training.task.Task;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code occam import}: checkpoint files of one run written by another trainer into an archive run. Exit status 0
 * on success, 2 on bad usage (a flag), 1 when a file cannot be imported (nothing is written then).
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        versionProvider = ImportCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Import the checkpoints of one run written by PyTorch (torch.save state dicts: .pt, .pth; also nested under"
                    + " 'model' or 'state_dict'), safetensors (.safetensors) or NumPy (.npz, e.g. a flattened JAX/Flax"
                    + " parameter tree) into an archive root, as a run 'occam analyze' treats like any other.",
            "Each file's step (epoch) is the last number in its name (epoch_0042.pt -> 42) unless --step-pattern or"
                    + " --step says otherwise. float16, bfloat16 and float64 tensors become float32; the source type"
                    + " is recorded in <out>/imports/run_id=<id>/step-<n>.json.",
            "Importing again adds only the steps the archive does not have. Everything is checked before anything is"
                    + " written: a bad file leaves the archive unchanged."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the checkpoints are in the archive (or were already)",
                "1:a file cannot be read or does not fit the model (named); the archive is unchanged", "2:bad usage"},
        footer = {"", "Example: import --task add --p 113 --regime wd --seed 0 --mapping torch-names.json --out archive ckpts/"})
public final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Checkpoint files, or directories whose .pt, .pth,"
            + " .safetensors and .npz files are imported (other files there are ignored).")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Archive root; several runs can share one.")
    Path out;

    @Option(names = "--task", required = true, paramLabel = "TASK",
            description = "add, sub, mul, div, x2y2 or x2xyy2, all modulo p.")
    String task;

    @Option(names = "--p", required = true, paramLabel = "P", description = "Prime modulus.")
    int p;

    @Option(names = "--regime", required = true, paramLabel = "NAME",
            description = "How the run was regularized, as a label (none, wd, ours give occam's defaults for the"
                    + " hyper-parameters below; any other lower-case name is recorded as is).")
    String regime;

    @Option(names = "--run-id", paramLabel = "ID", description = "Run id (default: <task>-<regime>-s<seed>).")
    String runId;

    @Option(names = "--mapping", paramLabel = "auto|occam|flax|FILE", defaultValue = "auto",
            description = "Tensor names: occam (occam's own), flax (the paper authors' Flax model), or a JSON mapping"
                    + " file; auto (default) picks flax when the first file has Flax names, else occam.")
    String mapping;

    @Option(names = "--step-pattern", paramLabel = "REGEX", defaultValue = SourceFile.DEFAULT_STEP_PATTERN,
            description = "Regular expression found in each file name; its first group is the step (default:"
                    + " ${DEFAULT-VALUE}, the last number in the name).")
    String stepPattern;

    @Option(names = "--step", paramLabel = "N", description = "The step of the single file given (instead of its name).")
    Integer step;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
            description = "The run's seed; without --train-pairs the training split is the one occam train draws for"
                    + " it (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--train-pairs", paramLabel = "FILE",
            description = "The run's training pairs (a, b): CSV (two integer columns, optional header) or Parquet"
                    + " (integer columns a, b). Every other row of the table is the test split.")
    Path trainPairs;

    @Option(names = "--train-fraction", paramLabel = "F",
            description = "Share of the table used for training (default: 0.2 add/mul, 0.3 others; with"
                    + " --train-pairs, the share the file holds).")
    Double trainFraction;

    @Option(names = "--layers", paramLabel = "N", description = "Decoder layers (default: 1 add/mul, 2 others).")
    Integer layers;

    // The authors' released model has a row per vocabulary token; keeping only the 4 rows it reads would measure
    // a smaller model than theirs, so the choice is the user's, not inferred.
    @Option(names = "--position-table", paramLabel = "TABLE", defaultValue = "sequence",
            description = "Rows of embed.position to import: sequence (one per input position, 4) or vocabulary (one"
                    + " per token, p + 2, as the authors' released Flax model and occam train's default) (default:"
                    + " ${DEFAULT-VALUE}).")
    String positionTable;

    @Option(names = "--d-model", paramLabel = "N", defaultValue = "128", description = "Model width (default: ${DEFAULT-VALUE}).")
    int dModel;

    @Option(names = "--heads", paramLabel = "N", defaultValue = "4", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--d-mlp", paramLabel = "N", defaultValue = "512", description = "MLP width (default: ${DEFAULT-VALUE}).")
    int dMlp;

    @Option(names = "--layer-norm-eps", paramLabel = "EPS", defaultValue = "1e-6",
            description = "LayerNorm epsilon (default: ${DEFAULT-VALUE}, Flax's; PyTorch's nn.LayerNorm uses 1e-5).")
    double layerNormEps;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs the run was trained for (default: the largest step).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "0",
            description = "Minibatch size (default: min(512, n_train/2), the authors' rule).")
    int batchSize;

    @Option(names = "--updates-per-epoch", paramLabel = "N",
            description = "Optimizer updates per epoch, for each checkpoint's update step (default: ceil(n_train / batch size)).")
    Long updatesPerEpoch;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--adam-beta1", defaultValue = "0.9", paramLabel = "B1", description = "Adam beta1 (default: ${DEFAULT-VALUE}).")
    double adamBeta1;

    @Option(names = "--adam-beta2", defaultValue = "0.98", paramLabel = "B2", description = "Adam beta2 (default: ${DEFAULT-VALUE}).")
    double adamBeta2;

    @Option(names = "--adam-eps", defaultValue = "1e-8", paramLabel = "EPS", description = "Adam epsilon (default: ${DEFAULT-VALUE}).")
    double adamEps;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "Weight decay (default: occam's for none/wd/ours, else 0).")
    Double weightDecay;

    @Option(names = "--spectral-beta", paramLabel = "BETA", description = "Spectral entropy weight (default: occam's for none/wd/ours, else 0).")
    Double spectralBeta;

    @Option(names = "--noise-std", paramLabel = "STD", description = "Weight noise std (default: occam's for none/wd/ours, else 0).")
    Double noiseStd;

    @Option(names = "--device", paramLabel = "TEXT", defaultValue = "unknown", description = "Where the run was trained, as a label (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--quiet", description = "No summary.")
    boolean quiet;

    @Override
    public Integer call() {
        Plan plan = plan();
        Importer.Result result = new Importer(out).importRun(plan.run, plan.examples, plan.files, plan.mapping, plan.updatesPerEpoch);
        if (!quiet) {
            spec.commandLine().getOut().printf(Locale.ROOT, "%s: %s run, %d checkpoint(s) added %s, %d already there%s; %s name mapping; written to %s%n",
                    plan.run.runId(), result.newRun() ? "new" : "existing", result.added().size(), result.added(),
                    result.skipped().size(), plan.ignored > 0 ? ", " + plan.ignored + " other file(s) ignored" : "",
                    plan.mapping.description(), out);
        }
        return 0;
    }

    private record Plan(RunInfo run, List<Example> examples, List<SourceFile> files, NameMapping mapping,
            long updatesPerEpoch, int ignored) {}

    /** Everything the flags decide; a bad flag is a usage error (exit 2), a bad file a failure (exit 1). */
    private Plan plan() {
        Task t;
        List<Path> paths = new ArrayList<>();
        int ignored = 0;
        Pattern pattern;
        try {
            t = Task.fromId(task);
            if (!regime.matches("[a-z0-9][a-z0-9_.-]*")) {
                throw new IllegalArgumentException("regime '" + regime + "' is not a lower-case name");
            }
            RunIds.require(runId != null ? runId : t.id() + "-" + regime + "-s" + seed);
            try {
                pattern = Pattern.compile(stepPattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("--step-pattern " + stepPattern + ": " + e.getDescription()
                        + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
            }
            if (!Dataset.isPrime(p) || p > Dataset.MAX_P) {
                throw new IllegalArgumentException("--p " + p + ": expected a prime (the tasks are modulo p) <= " + Dataset.MAX_P);
            }
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new IllegalArgumentException("--out " + out + ": a file, expected an archive root directory");
            }
            checkSettings();
            for (Path in : inputs) {
                if (Files.isDirectory(in)) {
                    List<Path> listed = list(in);
                    for (Path f : listed) {
                        if (CheckpointFormat.of(f) != null) {
                            paths.add(f);
                        } else {
                            ignored++;
                        }
                    }
                } else if (Files.isRegularFile(in)) {
                    paths.add(in);
                } else {
                    throw new IllegalArgumentException(in + ": no such file or directory");
                }
            }
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("no .pt, .pth, .safetensors or .npz file in " + inputs);
            }
            if (step != null && paths.size() != 1) {
                throw new IllegalArgumentException("--step names the step of a single file, but " + paths.size() + " were given");
            }
            if (step != null && (step < 0 || step > Archive.MAX_STEP)) {
                throw new IllegalArgumentException("--step " + step + ": expected 0.." + Archive.MAX_STEP);
            }
            if (trainPairs != null && !Files.isRegularFile(trainPairs)) {
                throw new IllegalArgumentException("--train-pairs " + trainPairs + (Files.isDirectory(trainPairs)
                        ? ": a directory, expected a .csv or .parquet file" : ": no such file"));
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }

        List<SourceFile> files = new ArrayList<>();
        int maxStep = 0;
        for (Path f : paths) {
            CheckpointFormat format = CheckpointFormat.of(f);
            if (format == null) {
                throw new ImportException(f + ": not a supported checkpoint file (.pt, .pth, .safetensors or .npz)");
            }
            int s = step != null ? step : SourceFile.stepFromName(f, pattern);
            if (s > Archive.MAX_STEP) {
                throw new ImportException(f + ": step " + s + " (from its name) is above " + Archive.MAX_STEP
                        + ", the largest an archive file name holds");
            }
            files.add(new SourceFile(f, format, s));
            maxStep = Math.max(maxStep, s);
        }
        if (epochs != null && epochs < maxStep) {
            throw new ParameterException(spec.commandLine(), "--epochs " + epochs + ": the files hold step " + maxStep
                    + ", after the run's last epoch");
        }

        List<Example> examples;
        ModelSpec model;
        TrainingSettings settings;
        double fraction;
        long updates;
        String id;
        try {
            int nLayers = layers != null ? layers : t.defaultLayers();
            model = new ModelSpec(ModelSpec.ARCHITECTURE, p + 2, 4, dModel, heads, dMlp, nLayers, ModelSpec.GELU_TANH,
                    layerNormEps, 1e-9, switch (positionTable) {
                        case "sequence" -> 4;
                        case "vocabulary" -> p + 2;
                        default -> throw new IllegalArgumentException(
                                "--position-table " + positionTable + ": expected sequence or vocabulary");
                    });
            fraction = trainFraction != null ? trainFraction : t.defaultTrainFraction();
            examples = trainPairs == null ? TrainingSplit.fromSeed(t, p, fraction, seed) : null;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (examples == null) {
            examples = TrainingSplit.fromPairs(t, p, trainPairs);
        }
        int nTrain = (int) examples.stream().filter(Example::train).count();
        int nTest = examples.size() - nTrain;
        if (trainPairs != null && trainFraction == null) {
            fraction = (double) nTrain / examples.size();
        }
        try {
            Regime known = knownRegime(regime);
            if (batchSize > nTrain) {
                throw new IllegalArgumentException("--batch-size " + batchSize + ": more than the " + nTrain + " training examples");
            }
            int batch = batchSize > 0 ? batchSize : Math.max(1, Math.min(TrainingConfig.MAX_BATCH, nTrain / 2));
            updates = updatesPerEpoch != null ? updatesPerEpoch : (nTrain + batch - 1) / batch;
            if (updates < 0) {
                throw new IllegalArgumentException("--updates-per-epoch(" + updates + ") < 0");
            }
            settings = new TrainingSettings(epochs != null ? epochs : Math.max(1, maxStep), batch, learningRate, adamBeta1,
                    adamBeta2, adamEps,
                    weightDecay != null ? weightDecay : known != null ? known.weightDecay() : 0,
                    spectralBeta != null ? spectralBeta : known != null ? known.spectralBeta() : 0,
                    noiseStd != null ? noiseStd : known != null ? known.noiseStd(t) : 0);
            id = runId != null ? runId : t.id() + "-" + regime + "-s" + seed;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        RunInfo run = new RunInfo(id, t.id(), p, fraction, nTrain, nTest, seed, regime, model, settings, device,
                codeVersion(), Instant.now());
        return new Plan(run, examples, files, mappingFor(files.get(0), model), updates, ignored);
    }

    /** The run's recorded hyper-parameters: labels, but an archive should hold only values a run can have had. */
    private void checkSettings() {
        if (epochs != null && epochs < 1) {
            throw new IllegalArgumentException("--epochs " + epochs + ": expected at least 1");
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("--batch-size " + batchSize + ": expected 0 (the default) or more");
        }
        requireRange("--lr", learningRate, 0, false, Double.POSITIVE_INFINITY);
        requireRange("--adam-eps", adamEps, 0, false, Double.POSITIVE_INFINITY);
        requireRange("--adam-beta1", adamBeta1, 0, true, 1);
        requireRange("--adam-beta2", adamBeta2, 0, true, 1);
        for (Object[] o : new Object[][] {{"--weight-decay", weightDecay}, {"--spectral-beta", spectralBeta},
            {"--noise-std", noiseStd}}) {
            if (o[1] != null) {
                requireRange((String) o[0], (Double) o[1], 0, true, Double.POSITIVE_INFINITY);
            }
        }
    }

    /** {@code value} in [low, high) ({@code (low, high)} unless {@code lowIncluded}), finite. */
    private static void requireRange(String flag, double value, double low, boolean lowIncluded, double high) {
        boolean ok = Double.isFinite(value) && (lowIncluded ? value >= low : value > low) && value < high;
        if (!ok) {
            throw new IllegalArgumentException(flag + " " + value + ": expected a finite number " + (lowIncluded ? ">= " : "> ")
                    + low + (Double.isInfinite(high) ? "" : " and < " + high));
        }
    }

    private NameMapping mappingFor(SourceFile first, ModelSpec model) {
        switch (mapping) {
            case "occam" -> {
                return NameMapping.occam(model);
            }
            case "flax" -> {
                return NameMapping.flax(model);
            }
            case "auto" -> {
                Map<String, SourceTensor> sources = first.format().read(first.path());
                boolean flaxNames = sources.keySet().stream()
                        .anyMatch(n -> n.equals("output_layer/kernel") || n.equals("params/output_layer/kernel"));
                return flaxNames ? NameMapping.flax(model) : NameMapping.occam(model);
            }
            default -> {
                Path file = Path.of(mapping);
                if (!Files.isRegularFile(file)) {
                    throw new ParameterException(spec.commandLine(), "--mapping " + mapping
                            + ": neither occam, flax, auto nor a mapping file");
                }
                return NameMapping.fromJson(file);
            }
        }
    }

    private static Regime knownRegime(String id) {
        for (Regime r : Regime.values()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        return null;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** "occam-import <version>", from the training module's build. */
    static String codeVersion() {
        Properties props = new Properties();
        try (InputStream in = occam.training.Trainer.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "occam-import " + props.getProperty("version", "unknown");
    }

    /** The {@code import} command line on its own: a file that cannot be imported prints why and exits 1. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ImportCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("import failed: " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The build's version, for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {codeVersion()};
        }
    }
}
