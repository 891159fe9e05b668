package occam.cli;

import occam.analysis.job.AnalyzeCommand;
import occam.cli.report.ReportCommand;
import occam.training.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code occam <command>}: exit status 0 on success, 1 on failure, 2 on bad usage. */
@Command(name = "occam", mixinStandardHelpOptions = true,
        description = "Complexity dynamics of neural-network training (The Complexity Dynamics of Grokking).",
        subcommands = {TrainCommand.class, AnalyzeCommand.class, ReportCommand.class, DemoCommand.class, occam.cli.sweep.SweepCommand.class,
                CommandLine.HelpCommand.class})
public final class Occam implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    static CommandLine commandLine() {
        return commandLine(new Occam());
    }

    /** A command line whose failures print their cause and exit 1 (picocli's own default would be 70). */
    static CommandLine commandLine(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("occam " + line.getCommandName() + " failed: " + e.getMessage());
            return 1;
        });
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
