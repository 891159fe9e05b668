package occam.cli.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import occam.training.DeviceChoice;
import occam.training.Regime;
import occam.training.TrainCommand;
import occam.training.TrainingConfig;
import occam.training.task.Dataset;
import occam.training.task.Task;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/** One run's {@code occam train} arguments, checked by train's own parser before any run starts. */
final class TrainOptions {

    /** Options the sweep sets for every run, with what to use instead. */
    static final List<List<String>> RESERVED = List.of(
            List.of("--task", "--tasks"), List.of("--regime", "--regimes"), List.of("--seed", "--seeds"),
            List.of("--epochs", "the sweep's --epochs"), List.of("--out", "the sweep's --out"),
            List.of("--run-id", "the sweep's <task>-<regime>-s<seed> ids"), List.of("--help", "occam train --help"),
            List.of("-h", "occam train --help"), List.of("--version", "occam train --version"),
            List.of("-V", "occam train --version"));

    private TrainOptions() {
    }

    /** Whether {@code options} set {@code name} (as {@code name VALUE} or {@code name=VALUE}). */
    static boolean sets(List<String> options, String name) {
        return options.stream().anyMatch(o -> o.equals(name) || o.startsWith(name + "="));
    }

    /** A usage error for the first option the sweep sets itself, or null. */
    static String reservedOptionError(List<String> options) {
        for (List<String> reserved : RESERVED) {
            if (sets(options, reserved.get(0))) {
                return "train option " + reserved.get(0) + " is set by the sweep: use " + reserved.get(1);
            }
        }
        return null;
    }

    /**
     * Parses {@code args} with {@code occam train}'s own command line (unknown options, types, arity) and checks the
     * values as train does before it trains (the configuration, a prime p, a split with a test set).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static void validate(List<String> args) {
        CommandLine train = new CommandLine(new TrainCommand());
        try {
            CommandLine.ParseResult parsed = train.parseArgs(args.toArray(String[]::new));
            if (parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()) {
                throw new IllegalArgumentException("--help and --version are not options of a run");
            }
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        // TrainCommand's own value checks are not public: the same builder and split it uses, on the parsed values
        CommandSpec spec = train.getCommandSpec();
        Task task = Task.fromId(value(spec, "--task"));
        DeviceChoice device;
        try {
            device = DeviceChoice.valueOf(((String) value(spec, "--device")).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--device: unknown device '" + value(spec, "--device") + "'");
        }
        TrainingConfig config = TrainingConfig.builder(task, Regime.fromId(value(spec, "--regime")))
                .p(value(spec, "--p")).trainFraction(value(spec, "--train-fraction")).layers(value(spec, "--layers"))
                .epochs(value(spec, "--epochs")).seed(value(spec, "--seed")).learningRate(value(spec, "--lr"))
                .adamBetas(value(spec, "--adam-beta1"), value(spec, "--adam-beta2")).adamEps(value(spec, "--adam-eps"))
                .weightDecay(value(spec, "--weight-decay")).spectralBeta(value(spec, "--spectral-beta"))
                .noiseStd(value(spec, "--noise-std")).batchSize(value(spec, "--batch-size")).device(device)
                .threads(value(spec, "--threads")).evalEvery(value(spec, "--eval-every"))
                .runId(value(spec, "--run-id")).out(value(spec, "--out"))
                .build();
        Dataset.generate(task, config.p(), config.trainFraction(), 0);
    }

    @SuppressWarnings("unchecked")
    private static <T> T value(CommandSpec spec, String name) {
        OptionSpec option = spec.findOption(name);
        if (option == null) {
            throw new IllegalStateException("occam train has no option " + name);
        }
        return (T) option.getValue();
    }

    /** The arguments of one run of the grid: what the sweep sets, then the sweep's and the grid's train options. */
    static List<String> of(Task task, Regime regime, long seed, int epochs, Path archive, Integer threads,
            List<String> options) {
        List<String> args = new ArrayList<>(List.of("--task", task.id(), "--regime", regime.id(),
                "--seed", Long.toString(seed), "--epochs", Integer.toString(epochs), "--out", archive.toString()));
        if (threads != null) {
            args.addAll(List.of("--threads", threads.toString()));
        }
        args.addAll(options);
        return List.copyOf(args);
    }
}
