package occam.cli.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import occam.training.Regime;
import occam.training.TrainCommand;
import occam.training.task.Task;
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
     * Parses {@code args} with {@code occam train}'s own command line and checks every value as train does before
     * it trains (unknown options, types, ranges, a prime p, a split with a test set).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static void validate(List<String> args) {
        try {
            TrainCommand.configOf(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
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
