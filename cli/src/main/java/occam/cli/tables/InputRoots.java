package occam.cli.tables;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The directories a command reads, checked before any work as bad usage (exit 2), with the same words in every
 * command: a root that does not exist, or an archive root without its {@code runs/} directory.
 */
public final class InputRoots {

    private InputRoots() {}

    /** {@code root}, named {@code label} (the flag or parameter), is an archive root: it holds {@code runs/}. */
    public static void archive(CommandSpec spec, String label, Path root) {
        directory(spec, label, root);
        if (!Files.isDirectory(root.resolve("runs"))) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    label + " " + root + ": not an archive root (expected a runs/ directory; occam train writes one)");
        }
    }

    /** {@code root}, named {@code label}, is a directory. */
    public static void directory(CommandSpec spec, String label, Path root) {
        if (!Files.isDirectory(root)) {
            throw new CommandLine.ParameterException(spec.commandLine(), label + " " + root
                    + (Files.exists(root) ? ": not a directory" : ": no such directory"));
        }
    }
}
