package occam.cli;

import occam.analysis.job.AnalyzeCommand;
import occam.cli.report.ReportCommand;
import occam.cli.status.StatusCommand;
import occam.cli.sweep.SweepCommand;
import occam.cli.verify.VerifyCommand;
import occam.training.TrainCommand;
import occam.training.imports.ImportCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code occam <command>}: exit status 0 on success, 1 on failure, 2 on bad usage. Every command goes through
 * {@link #commandLine(Object)}, so they all report errors the same way (see {@link Errors}).
 */
@Command(name = "occam", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Complexity dynamics of neural-network training (The Complexity Dynamics of Grokking).",
        subcommands = {TrainCommand.class, ImportCommand.class, AnalyzeCommand.class, ReportCommand.class, StatusCommand.class,
                DemoCommand.class, SweepCommand.class, VerifyCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:success", "1:failure (one or two lines name the cause; --verbose prints the stack trace)",
                "2:bad usage (one line names the flag, the value and what is expected)"})
public final class Occam implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a command is required: one of " + String.join(", ", spec.subcommands().keySet()));
    }

    static CommandLine commandLine() {
        return commandLine(new Occam());
    }

    /**
     * A command line (with its subcommands) whose bad usage is one line and exit 2, whose failures are one or two
     * lines and exit 1, that takes {@code --verbose} everywhere, and whose help is wrapped by words.
     */
    public static CommandLine commandLine(Object command) {
        CommandLine cli = new CommandLine(command) {
            @Override
            public int execute(String... args) {
                // picocli keeps "@missing" as a word (a confusing "missing argument" later) and fails on "@dir" with
                // its own stack trace: an argument file that cannot be read is bad usage, named
                for (String a : args) {
                    if (a.length() > 1 && a.startsWith("@") && !a.startsWith("@@")) {
                        java.nio.file.Path file = java.nio.file.Path.of(a.substring(1));
                        String why = !java.nio.file.Files.exists(file) ? "no such file"
                                : java.nio.file.Files.isDirectory(file) ? "a directory, expected a file of arguments"
                                : !java.nio.file.Files.isReadable(file) ? "not readable" : null;
                        if (why != null) {
                            getErr().println(Errors.name(this) + ": argument file " + a + ": " + why + " (see '"
                                    + Errors.name(this) + " --help')");
                            getErr().flush();
                            return 2;
                        }
                    }
                }
                return super.execute(args);
            }
        };
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // an empty path would silently mean the working directory
        cli.registerConverter(java.nio.file.Path.class, s -> {
            if (s.isBlank()) {
                throw new CommandLine.TypeConversionException("an empty path; give a file or directory");
            }
            return java.nio.file.Path.of(s);
        });
        Errors.install(cli);
        HelpLayout.install(cli);
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
