package occam.training;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import occam.schemas.Archive;
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
            "Train the paper's transformer on a modular-arithmetic task and write the run (runs, examples, metrics,"
                    + " checkpoints at epochs floor(1.3^n) and the last) to an archive root as Parquet.",
            "Defaults follow the task and the regime (docs/method.md); every value can be overridden."
        },
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

    @Option(names = "--eval-every", defaultValue = "10", paramLabel = "N", description = "Evaluate both splits every N epochs for progress (default: ${DEFAULT-VALUE}); metrics are always recorded at checkpoints.")
    int evalEvery;

    @Option(names = "--quiet", description = "No progress bar and no summary.")
    boolean quiet;

    @Override
    public Integer call() {
        TrainingConfig config = config();
        TrainingResult result = quiet ? Trainer.run(config) : Trainer.run(config, ProgressReporter.toStandardError());
        if (!quiet) {
            var last = result.last();
            var t = result.timings();
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "%s: %d epochs, %d updates; train %.4f/%.1f%%, test %.4f/%.1f%%; written to %s%n"
                            + "time %.1f s: updates %.1f s (%.1f ms/epoch; spectral penalty %.1f s on the training thread,"
                            + " decompositions %.1f s beside it), evaluation %.1f s, checkpoints %.1f s%n",
                    config.runId(), config.epochs(), result.updateSteps(), last.trainLoss(), 100 * last.trainAccuracy(),
                    last.testLoss(), 100 * last.testAccuracy(), config.out(), t.total(), t.train(),
                    1000 * t.train() / config.epochs(), t.penalty(), t.decomposition(), t.evaluation(), t.record());
        }
        return 0;
    }

    /** The validated configuration; any bad value is a usage error (exit status 2). */
    TrainingConfig config() {
        try {
            Task t = Task.fromId(task);
            TrainingConfig c = TrainingConfig.builder(t, Regime.fromId(regime))
                    .p(p).trainFraction(trainFraction).layers(layers).epochs(epochs).seed(seed)
                    .learningRate(learningRate).adamBetas(adamBeta1, adamBeta2).adamEps(adamEps).weightDecay(weightDecay).spectralBeta(spectralBeta).noiseStd(noiseStd)
                    .batchSize(batchSize).device(DeviceChoice.valueOf(device.toUpperCase(Locale.ROOT)))
                    .threads(threads).evalEvery(evalEvery).runId(runId).out(out)
                    .build();
            Dataset.generate(t, c.p(), c.trainFraction(), 0); // rejects a non-prime p or a split with no test set
            if (Files.exists(new Archive(out).runFile(c.runId()))) {
                throw new IllegalArgumentException("run '" + c.runId() + "' already exists in " + out
                        + " (archive files are never rewritten): choose another --run-id or --out");
            }
            return c;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** The {@code train} command line: a failure while training prints its cause and exits with status 1. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TrainCommand());
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
