package occam.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import occam.analysis.engine.AnalysisSettings;
import occam.cli.sweep.SweepCommand;
import occam.training.TrainingConfig;
import occam.training.task.Dataset;
import occam.training.task.Task;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code occam demo}: the paper's {@code add} experiment end to end on one machine: train under none, wd and
 * ours, analyse the archive with the embedded Spark, draw the figures. It is a preset of {@code occam sweep}, so
 * it trains like a sweep (runs in JVMs of their own, several at once, logs beside the archive): complete runs in
 * the archive are kept and unfinished ones resumed from their last checkpoint, so an interrupted demo continues
 * where it stopped.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train add (p = 113) under none, wd and ours, analyse every checkpoint, and draw the figures.", "",
                "Writes <out>/archive (training), <out>/logs (one per run), <out>/tables (analysis) and"
                        + " <out>/report/index.html.",
                "It is `occam sweep --tasks add --regimes none,wd,ours --seeds <seed> --epochs <epochs> --out <out>"
                        + " --master <master> --analyze-options=\"<search flags>\" -- --p <p> [--threads <threads>]`:"
                        + " the runs train in JVMs of their own, as many at once as there are cores, and the runs that"
                        + " finished are analysed on the cores the last ones leave idle.",
                "Complete runs in <out>/archive are not trained again, unfinished ones are resumed; analysed checkpoints"
                        + " are not analysed again."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the report is written", "1:a step failed", "2:bad usage (checked before any training)"})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out = Path.of("demo");

    /** ours generalizes near epoch 440 at p = 113 (paper: about 400); 1000 leaves room for complexity to fall. */
    @Option(names = "--epochs", paramLabel = "N", description = "Epochs per run. Default: ${DEFAULT-VALUE}.")
    int epochs = 1000;

    @Option(names = "--p", paramLabel = "P", description = "Modulus. Default: ${DEFAULT-VALUE}.")
    int p = TrainingConfig.DEFAULT_P;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of every run. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--threads", paramLabel = "N",
            description = "Training threads per run (0: the sweep's, half of each run's share of the cores, at least 1). Default: ${DEFAULT-VALUE}.")
    int threads;

    // The analysis's own default search: the demo's complexity is the converged estimate `occam analyze` reports.
    @Option(names = "--grid-taus", paramLabel = "N", description = "Taus of the search's first grid. Default: ${DEFAULT-VALUE}.")
    int gridTaus = AnalysisSettings.defaults().gridTaus();

    @Option(names = "--bisection-steps", paramLabel = "N", description = "Halvings of the log-Delta range. Default: ${DEFAULT-VALUE}.")
    int bisectionSteps = AnalysisSettings.defaults().bisectionSteps();

    @Option(names = "--search-levels", paramLabel = "N", description = "Nested levels of the search (its budget). Default: ${DEFAULT-VALUE}.")
    int levels = AnalysisSettings.defaults().levels();

    @Option(names = "--refine-steps", paramLabel = "N", description = "Bayesian refinement steps per epsilon, at the first search level. Default: ${DEFAULT-VALUE}.")
    int refineSteps = AnalysisSettings.defaults().refinementSteps();

    @Option(names = "--master", paramLabel = "URL", description = "Spark master. Default: ${DEFAULT-VALUE}.")
    String master = "local[*]";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        validate();
        // named demo, so that its messages and usage errors say occam demo
        CommandLine sweep = Occam.commandLine(new SweepCommand()).setCommandName("demo");
        sweep.setOut(spec.commandLine().getOut());
        sweep.setErr(spec.commandLine().getErr());
        return sweep.execute(sweepArguments().toArray(String[]::new));
    }

    /**
     * The demo as a sweep: its three runs in JVMs of their own, two at a time on two cores (the sweep's default),
     * the first two analysed on the idle core while the third trains, then the analysis with these search flags
     * and the report.
     */
    List<String> sweepArguments() {
        String search = String.join(" ", "--grid-taus", String.valueOf(gridTaus), "--bisection-steps", String.valueOf(bisectionSteps),
                "--search-levels", String.valueOf(levels), "--refine-steps", String.valueOf(refineSteps));
        List<String> args = new ArrayList<>(List.of("--tasks", Task.ADD.id(), "--regimes", "none,wd,ours", "--seeds",
                String.valueOf(seed), "--epochs", String.valueOf(epochs), "--out", out.toString(), "--master", master,
                "--analyze-options=" + search, "--", "--p", String.valueOf(p)));
        if (threads > 0) {
            args.addAll(List.of("--threads", String.valueOf(threads)));
        }
        return args;
    }

    /** Bad flags fail before any training, not after it when analyze or report would see them. */
    private void validate() {
        CommandLine line = spec.commandLine();
        if (epochs < 1) {
            throw new CommandLine.ParameterException(line, "--epochs " + epochs + ": expected at least 1");
        }
        if (!Dataset.isPrime(p) || p > Dataset.MAX_P) {
            throw new CommandLine.ParameterException(line, "--p " + p + ": expected a prime (the tasks are modulo p) <= " + Dataset.MAX_P);
        }
        if (threads < 0) {
            throw new CommandLine.ParameterException(line, "--threads " + threads + ": expected 0 (the default) or more");
        }
        // the search flags are checked by the sweep, with analyze's own checks, before any training
    }
}
