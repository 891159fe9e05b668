package occam.training;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import occam.schemas.Archive;
import occam.schemas.ModelSpec;
import occam.schemas.RunIds;
import occam.schemas.RunInfo;
import occam.training.task.Dataset;
import occam.training.task.Task;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code occam train}: one training run into an archive root. Exit status 0 on success, 2 on bad usage, 1 on failure. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        versionProvider = TrainCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Train the paper's transformer on a modular-arithmetic task and write the run (runs, examples, metrics"
                    + " at every evaluation, checkpoints and their training state at epochs floor(1.3^n) and the last)"
                    + " to an archive root as Parquet.",
            "Defaults follow the task and the regime (docs/method.md); every value can be overridden.",
            "The same command again continues an interrupted run from its last checkpoint, with the same result as"
                    + " an uninterrupted run; a complete run is not trained again; other hyper-parameters for an"
                    + " existing run id are refused."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the run is written", "1:training failed (e.g. the archive is not writable)", "2:bad usage",
                "130, 143:interrupted (Ctrl-C, SIGTERM): the checkpoints written are kept; the same command resumes"},
        footer = {"", "Example: train --task add --regime ours --epochs 1500 --seed 0 --out archive"})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--task", required = true, paramLabel = "TASK",
            description = "add, sub, mul, div, x2y2 (x^2+y^2) or x2xyy2 (x^2+xy+y^2), all modulo p.")
    String task;

    @Option(names = "--regime", required = true, paramLabel = "REGIME",
            description = "none (no regularization), wd (weight decay 1.0) or ours (weight decay 1.0 + 0.1 x mean"
                    + " spectral entropy + weight noise).")
    String regime;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Archive root; several runs can share one.")
    Path out;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "" + TrainingConfig.DEFAULT_EPOCHS, description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of the split, initialization, batch order and noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--run-id", paramLabel = "ID", description = "Run id (default: <task>-<regime>-s<seed>).")
    String runId;

    @Option(names = "--p", paramLabel = "P", defaultValue = "" + TrainingConfig.DEFAULT_P, description = "Prime modulus (default: ${DEFAULT-VALUE}).")
    int p;

    @Option(names = "--train-fraction", paramLabel = "F", description = "Share of the table used for training (default: 0.2 add/mul, 0.3 others).")
    Double trainFraction;

    @Option(names = "--layers", paramLabel = "N", description = "Decoder layers (default: 1 add/mul, 2 others).")
    Integer layers;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--adam-beta1", defaultValue = "0.9", paramLabel = "B1", description = "AdamW beta1 (default: ${DEFAULT-VALUE}).")
    double adamBeta1;

    @Option(names = "--adam-beta2", defaultValue = "0.98", paramLabel = "B2", description = "AdamW beta2 (default: ${DEFAULT-VALUE}).")
    double adamBeta2;

    @Option(names = "--adam-eps", defaultValue = "1e-8", paramLabel = "EPS", description = "AdamW epsilon (default: ${DEFAULT-VALUE}).")
    double adamEps;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "AdamW weight decay (default: 0 none, 1.0 wd/ours).")
    Double weightDecay;

    @Option(names = "--spectral-beta", paramLabel = "BETA", description = "Weight of the mean spectral entropy (default: 0.1 ours, else 0).")
    Double spectralBeta;

    @Option(names = "--noise-std", paramLabel = "STD", description = "Weight noise std (default for ours: 1e-2 add/mul, 1e-3 others; else 0).")
    Double noiseStd;

    @Option(names = "--batch-size", defaultValue = "0", paramLabel = "B", description = "Minibatch size (default: min(512, n_train/2)).")
    int batchSize;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}: the GPU when the engine sees one).")
    String device;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "PyTorch intra-op threads (default: half the cores, at least 1; the spectral penalty runs on a thread of its own).")
    int threads;

    @Option(names = "--eval-every", defaultValue = "10", paramLabel = "N", description = "Evaluate both splits every N epochs, each a metrics row (default: ${DEFAULT-VALUE}); checkpoint epochs are always evaluated.")
    int evalEvery;

    @Option(names = "--position-table", defaultValue = "vocabulary", paramLabel = "TABLE", description = "vocabulary (a position-embedding row per vocabulary token, as the authors' released model) or sequence (a row per input position) (default: ${DEFAULT-VALUE}).")
    String positionTable;

    @Option(names = "--quiet", description = "No progress bar and no summary.")
    boolean quiet;

    @Override
    public Integer call() {
        TrainingConfig config = config();
        RunPlan plan = plan(config);
        PrintWriter out = spec.commandLine().getOut();
        if (plan.kind() != RunPlan.Kind.NEW) {
            out.println(plan.describe(config));
            out.flush();
            if (plan.kind() == RunPlan.Kind.COMPLETE) {
                return 0;
            }
        }
        InterruptionNotice notice = new InterruptionNotice(config, spec.commandLine().getErr());
        TrainingResult result;
        try {
            result = quiet ? Trainer.run(config, notice) : Trainer.run(config, ProgressReporter.toStandardError(), notice);
        } finally {
            notice.remove();
        }
        if (!quiet) {
            var last = result.last();
            var t = result.timings();
            int epochs = config.epochs() - result.firstEpoch() + 1;
            out.printf(Locale.ROOT,
                    "%s: %d epochs%s, %d updates; train %.4f/%.1f%%, test %.4f/%.1f%%; written to %s%n"
                            + "time %.1f s: updates %.1f s (%.1f ms/epoch; spectral penalty %.1f s on the training thread,"
                            + " decompositions %.1f s beside it), evaluation %.1f s, checkpoints %.1f s%n",
                    config.runId(), epochs, result.resumed() ? " (epochs " + result.firstEpoch() + "-" + config.epochs()
                            + ", resumed)" : "", result.updateSteps(), last.trainLoss(), 100 * last.trainAccuracy(),
                    last.testLoss(), 100 * last.testAccuracy(), config.out(), t.total(), t.train(),
                    1000 * t.train() / epochs, t.penalty(), t.decomposition(), t.evaluation(), t.record());
        }
        return 0;
    }

    /**
     * Says, when the JVM is stopped (Ctrl-C, SIGTERM) before the run ends, the epoch it reached and where the same
     * command resumes it: the last checkpoint written whole with its training state, read from the archive's file
     * names (the training thread may be writing one as the JVM stops). A kill -9 says nothing and resumes the same way.
     */
    static final class InterruptionNotice implements TrainingListener {
        private final Thread hook;
        private volatile int epoch;

        InterruptionNotice(TrainingConfig config, PrintWriter err) {
            hook = new Thread(() -> {
                String line = "occam train: interrupted at epoch " + epoch + " of " + config.epochs();
                if (config.out() != null) {
                    int resume = new Archive(config.out()).resumeStep(config.runId());
                    line += resume == 0 ? "; no checkpoint written yet, so the same command starts run '" + config.runId() + "' again"
                            : "; the same command resumes run '" + config.runId() + "' from its checkpoint at epoch " + resume;
                }
                err.println(line);
                err.flush();
            }, "occam-train-interrupted");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void onStart(RunInfo run, Dataset dataset, int firstEpoch) {
            epoch = firstEpoch - 1;
        }

        @Override
        public void onEpoch(EpochState state) {
            epoch = state.epoch();
        }

        /** The run ended (or failed, which says so itself): nothing to say at exit. */
        void remove() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs, or has run
            }
        }
    }

    /**
     * The validated configuration. Every flag is checked here, before any work, and a bad one is a usage error
     * naming the flag and the value (exit status 2).
     */
    TrainingConfig config() {
        CommandLine cli = spec.commandLine();
        Task t = Task.fromId(UsageErrors.oneOf(cli, "--task", task, ids(Task.values(), Task::id)));
        Regime r = Regime.fromId(UsageErrors.oneOf(cli, "--regime", regime, ids(Regime.values(), Regime::id)));
        DeviceChoice d = DeviceChoice.valueOf(UsageErrors.oneOf(cli, "--device", device,
                ids(DeviceChoice.values(), c -> c.name().toLowerCase(Locale.ROOT))).toUpperCase(Locale.ROOT));
        ModelSpec.PositionTable positions = ModelSpec.PositionTable.valueOf(UsageErrors.oneOf(cli, "--position-table",
                positionTable, List.of("vocabulary", "sequence")).toUpperCase(Locale.ROOT));
        check(Dataset.isPrime(p) && p <= Dataset.MAX_P, "--p", p, "a prime number <= " + Dataset.MAX_P + " (the table has p^2 rows)");
        check(trainFraction == null || (trainFraction > 0 && trainFraction < 1), "--train-fraction", trainFraction,
                "a number in (0, 1)");
        check(layers == null || layers >= 1, "--layers", layers, "an integer >= 1");
        check(epochs >= 1, "--epochs", epochs, "an integer >= 1");
        check(learningRate > 0 && Double.isFinite(learningRate), "--lr", learningRate, "a number > 0");
        check(adamBeta1 >= 0 && adamBeta1 < 1, "--adam-beta1", adamBeta1, "a number in [0, 1)");
        check(adamBeta2 >= 0 && adamBeta2 < 1, "--adam-beta2", adamBeta2, "a number in [0, 1)");
        check(adamEps > 0 && Double.isFinite(adamEps), "--adam-eps", adamEps, "a number > 0");
        check(weightDecay == null || (weightDecay >= 0 && Double.isFinite(weightDecay)), "--weight-decay", weightDecay,
                "a number >= 0");
        check(spectralBeta == null || (spectralBeta >= 0 && Double.isFinite(spectralBeta)), "--spectral-beta",
                spectralBeta, "a number >= 0");
        check(noiseStd == null || (noiseStd >= 0 && Double.isFinite(noiseStd)), "--noise-std", noiseStd, "a number >= 0");
        check(batchSize >= 0, "--batch-size", batchSize, "an integer >= 1, or 0 for min(512, n_train/2)");
        check(threads >= 0, "--threads", threads, "an integer >= 1, or 0 for half the cores");
        check(evalEvery >= 1, "--eval-every", evalEvery, "an integer >= 1");
        check(runId == null || RunIds.isValid(runId), "--run-id", runId, "letters, digits, '.', '_' or '-'");
        UsageErrors.outputDirectory(cli, "--out", out);
        TrainingConfig c = TrainingConfig.builder(t, r)
                .p(p).trainFraction(trainFraction).layers(layers).epochs(epochs).seed(seed)
                .learningRate(learningRate).adamBetas(adamBeta1, adamBeta2).adamEps(adamEps).weightDecay(weightDecay)
                .spectralBeta(spectralBeta).noiseStd(noiseStd).batchSize(batchSize).device(d)
                .threads(threads).evalEvery(evalEvery).runId(runId).out(out).positionTable(positions)
                .build();
        int rows = t.rows(c.p());
        int nTrain = (int) Math.floor(c.trainFraction() * rows);
        check(nTrain >= 2 && nTrain < rows, "--train-fraction", c.trainFraction(), "a share of the " + rows
                + " equations of " + t.id() + " mod " + c.p() + " that leaves at least 2 for training and 1 for testing");
        return c;
    }

    /**
     * The configuration {@code args} give, parsed and checked exactly as {@code occam train args} would before it
     * trains (for commands that start runs of their own, such as a sweep).
     *
     * @throws ParameterException naming the flag, the value and what is expected
     */
    public static TrainingConfig configOf(List<String> args) {
        CommandLine cli = new CommandLine(new TrainCommand());
        CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
        if (parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()) {
            throw new ParameterException(cli, "--help and --version are not options of a run");
        }
        return cli.<TrainCommand>getCommand().config();
    }

    /** What the configuration means for its archive; other hyper-parameters for an existing run are bad usage. */
    private RunPlan plan(TrainingConfig config) {
        try {
            return RunPlan.of(config);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private void check(boolean ok, String flag, Object value, String expected) {
        if (!ok) {
            throw UsageErrors.invalid(spec.commandLine(), flag, value, expected);
        }
    }

    private static <T> List<String> ids(T[] values, Function<T, String> id) {
        return Arrays.stream(values).map(id).toList();
    }

    /** The {@code train} command line: a failure while training prints its cause and exits with status 1. */
    public static CommandLine commandLine() {
        CommandLine cli = UsageErrors.install(new CommandLine(new TrainCommand()));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("train failed: " + e);
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cli;
    }

    public static void main(String[] args) {
        // DJL logs through slf4j-simple: warnings only, and not the harmless "no CUDA driver" one
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        System.exit(commandLine().execute(args));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The build's version, for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {Trainer.codeVersion()};
        }
    }
}
