package occam.training;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Bad usage as one line that names the flag, the value and what is expected, then a hint to {@code --help}, and exit
 * status 2; never the whole usage text. Install on a command line with {@link #install}; checks throw {@link #invalid}.
 */
public final class UsageErrors implements CommandLine.IParameterExceptionHandler {

    /** The exit status of bad usage. */
    public static final int USAGE = 2;

    /** Makes {@code cli} (and its subcommands) report bad usage this way. */
    public static CommandLine install(CommandLine cli) {
        cli.setParameterExceptionHandler(new UsageErrors());
        return cli;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + message(ex, args));
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return USAGE;
    }

    /** The one line for {@code ex}: an unknown option first (picocli reports missing options before it). */
    static String message(ParameterException ex, String[] args) {
        List<String> unknown = unknownOptions(ex.getCommandLine(), args);
        if (!unknown.isEmpty()) {
            String suggestion = "";
            if (ex instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                suggestion = " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
            }
            return String.join(", ", unknown) + ": unknown option" + (unknown.size() > 1 ? "s" : "") + suggestion;
        }
        if (ex instanceof UnmatchedArgumentException u) {
            return "unexpected argument" + (u.getUnmatched().size() > 1 ? "s " : " ") + String.join(" ", u.getUnmatched());
        }
        if (ex instanceof MissingParameterException m) {
            List<String> names = m.getMissing().stream().map(UsageErrors::name).toList();
            if (!names.isEmpty() && m.getMissing().stream().allMatch(ArgSpec::isOption)) {
                return "missing " + String.join(", ", names);
            }
        }
        Throwable cause = ex.getCause();
        if (cause instanceof CommandLine.TypeConversionException && ex.getArgSpec() != null && ex.getValue() != null) {
            return name(ex.getArgSpec()) + " " + ex.getValue() + ": expected " + kind(ex.getArgSpec().type());
        }
        return ex.getMessage();
    }

    /** The check failed: "--flag value: expected what". */
    public static ParameterException invalid(CommandLine cli, String flag, Object value, String expected) {
        return new ParameterException(cli, flag + " " + value + ": expected " + expected);
    }

    /** {@code value} must be one of {@code choices} (case-insensitive); returns it in lower case. */
    public static String oneOf(CommandLine cli, String flag, String value, Collection<String> choices) {
        String v = value.toLowerCase(Locale.ROOT);
        if (!choices.contains(v)) {
            throw invalid(cli, flag, value, "one of " + String.join(", ", choices));
        }
        return v;
    }

    /**
     * An output directory: an existing directory, or a path whose nearest existing ancestor is a writable directory
     * (so it can be created); never a file.
     */
    public static Path outputDirectory(CommandLine cli, String flag, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw invalid(cli, flag, dir, "a directory, not a file");
        }
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw invalid(cli, flag, dir, "a directory this user can write (" + existing + " is not writable)");
        }
        return dir;
    }

    private static List<String> unknownOptions(CommandLine cli, String[] args) {
        List<String> unknown = new ArrayList<>();
        if (args == null) {
            return unknown;
        }
        boolean valueNext = false;
        for (String arg : args) {
            if (valueNext) {
                valueNext = false;
                continue;
            }
            if (arg.equals("--")) {
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-") || isNumber(arg)) {
                continue;
            }
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            OptionSpec option = cli.getCommandSpec().findOption(name);
            if (option == null) {
                unknown.add(name);
            } else if (option.arity().max() > 0 && !arg.contains("=")) {
                valueNext = true;
            }
        }
        return unknown;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String name(ArgSpec spec) {
        return spec instanceof OptionSpec o ? o.longestName() : spec.paramLabel();
    }

    private static String kind(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> c.toString().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        }
        return "a " + type.getSimpleName().toLowerCase(Locale.ROOT);
    }
}
