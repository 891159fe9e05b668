package occam.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The one error path of every command. Bad usage: one line naming the flag, the value and what is expected, and
 * a hint to {@code --help}; exit 2. Failure: one line naming the cause, one saying where the stack trace went (a
 * log file in the temporary directory, or standard error with {@code --verbose}); exit 1.
 */
public final class Errors {

    static final String VERBOSE = "--verbose";
    /** Longest cause printed; Spark and Hadoop messages can run to pages. */
    private static final int MAX_CAUSE = 400;

    private Errors() {}

    /** Sets both handlers, {@code --verbose} and the version on {@code cli} and every subcommand. */
    static void install(CommandLine cli) {
        cli.setParameterExceptionHandler(Errors::badUsage);
        cli.setExecutionExceptionHandler(Errors::failure);
        addVerboseAndVersion(cli);
    }

    private static void addVerboseAndVersion(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        if (spec.findOption(VERBOSE) == null) {
            spec.addOption(OptionSpec.builder(VERBOSE).arity("0").type(boolean.class)
                    .description("On failure, print the stack trace here instead of writing it to a log file.").build());
        }
        spec.versionProvider(new Version());
        cli.getSubcommands().values().forEach(Errors::addVerboseAndVersion);
    }

    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        line.getErr().println(name(line) + ": " + usageMessage(e) + " (see '" + name(line) + " --help')");
        line.getErr().flush();
        return 2;
    }

    /** picocli's message, except where it hides the actual mistake. */
    static String usageMessage(CommandLine.ParameterException e) {
        CommandLine line = e.getCommandLine();
        List<String> unmatched = line.getUnmatchedArguments();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            unmatched = u.getUnmatched();
        }
        if (!unmatched.isEmpty()) {
            String first = unmatched.get(0);
            if (first.startsWith("-")) {
                return "unknown option '" + first + "'";
            }
            if (!line.getSubcommands().isEmpty() && line.getCommandSpec().positionalParameters().isEmpty()) {
                return "unknown command '" + first + "': expected one of "
                        + String.join(", ", line.getSubcommands().keySet());
            }
            return "unexpected argument '" + first + "'";
        }
        return e.getMessage();
    }

    private static int failure(Exception e, CommandLine line, ParseResult parsed) {
        PrintWriter err = line.getErr();
        err.println(name(line) + " failed: " + cause(e));
        if (e instanceof UserFailure || e instanceof occam.schemas.RunLock.Busy) {
            err.flush();
            return 1;
        }
        if (verbose(parsed)) {
            e.printStackTrace(err);
        } else {
            Path log = writeLog(e, line);
            err.println(log != null ? "  the stack trace is in " + log + " (--verbose prints it here)"
                    : "  (--verbose prints the stack trace)");
        }
        err.flush();
        return 1;
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /** "occam train", also for a command run on its own (as the demo runs analyze and report). */
    static String name(CommandLine line) {
        String q = line.getCommandSpec().qualifiedName();
        return q.equals("occam") || q.startsWith("occam ") ? q : "occam " + q;
    }

    /**
     * The outermost message (what was being done) and the innermost (why it failed), each on one line, without
     * repeats: wrappers that only restate their cause are skipped.
     */
    public static String cause(Throwable e) {
        List<String> messages = new ArrayList<>();
        List<Throwable> seen = new ArrayList<>();
        for (Throwable t = e; t != null && !seen.contains(t); t = t.getCause()) {
            seen.add(t);
            String m = message(t);
            if (m != null && (t.getCause() == null || !m.equals(t.getCause().toString()))) {
                messages.add(m);
            }
        }
        if (messages.isEmpty()) {
            return e.getClass().getSimpleName();
        }
        String outer = messages.get(0);
        String inner = messages.get(messages.size() - 1);
        String text = outer.contains(inner) ? outer : outer + ": " + inner;
        return text.length() <= MAX_CAUSE ? text : text.substring(0, MAX_CAUSE) + "...";
    }

    private static String message(Throwable t) {
        if (t instanceof NoSuchFileException f) {
            return "no such file or directory: " + f.getFile();
        }
        if (t instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (t instanceof FileAlreadyExistsException f) {
            return "already exists: " + f.getFile();
        }
        if (t instanceof NotDirectoryException f) {
            return "not a directory: " + f.getFile();
        }
        if (t instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory (give the JVM more with OCCAM_JAVA_OPTS=-Xmx...)";
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return null;
        }
        String first = m.strip().lines().findFirst().orElse("");
        return t instanceof RuntimeException || t instanceof IOException ? first : t.getClass().getSimpleName() + ": " + first;
    }

    /** The stack trace in a new file in the temporary directory, or null if it cannot be written. */
    private static Path writeLog(Throwable e, CommandLine line) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        try {
            Path log = Files.createTempFile("occam-" + line.getCommandName() + "-" + stamp + "-", ".log");
            Files.writeString(log, name(line) + " " + Version.version() + " (commit " + Version.commit() + ")\n" + trace);
            return log;
        } catch (IOException | RuntimeException ignored) {
            return null;
        }
    }
}
