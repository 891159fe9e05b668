package occam.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IHelpSectionRenderer;

/**
 * Help text wrapped at spaces only. picocli wraps with the JDK's line {@link java.text.BreakIterator}, which also
 * breaks before '[', '(' or '^' and so splits tokens such as {@code local[*]} or {@code floor(1.3^n)}. Here picocli
 * lays out each section on one very wide line per entry, and the text is then wrapped by words, continuation
 * lines indented to the entry's text column.
 */
final class HelpLayout {

    static final int WIDTH = 100;
    /** Wide enough that picocli never wraps an entry itself. */
    private static final int UNWRAPPED = 10_000;
    /** An option-list or exit-status line: indent, the names, two or more spaces, then the text column. */
    private static final Pattern TABLE_ROW = Pattern.compile("^(\\s*\\S.*?\\s{2,})\\S");
    private static final int MAX_NAMES_COLUMN = 48;

    private HelpLayout() {}

    static void install(CommandLine cli) {
        cli.setUsageHelpAutoWidth(false);
        cli.setUsageHelpWidth(UNWRAPPED);
        // no colours: escape codes would count as text when wrapping
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cli.setUsageHelpLongOptionsMaxWidth(40);
        Map<String, IHelpSectionRenderer> sections = cli.getHelpSectionMap();
        for (Map.Entry<String, IHelpSectionRenderer> e : sections.entrySet()) {
            IHelpSectionRenderer original = e.getValue();
            if (e.getKey().equals(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS)) {
                // the synopsis follows its heading "Usage: " on the same line; wrapped lines align after the name
                e.setValue(help -> {
                    String heading = help.synopsisHeading();
                    String wrapped = wrap(heading + original.render(help), WIDTH,
                            (heading + help.commandSpec().qualifiedName() + " ").length());
                    return wrapped.startsWith(heading) ? wrapped.substring(heading.length()) : wrapped;
                });
            } else {
                e.setValue(help -> wrap(original.render(help), WIDTH, -1));
            }
        }
        cli.setHelpSectionMap(sections);
        cli.getSubcommands().values().forEach(HelpLayout::install);
    }

    /**
     * Every line of {@code text} wrapped at spaces to {@code width}; continuation lines are indented to
     * {@code hangingIndent} if it is not negative, else to the line's text column (see {@link #TABLE_ROW}), else to
     * its own indentation. A word longer than the line stays whole.
     */
    static String wrap(String text, int width, int hangingIndent) {
        StringBuilder out = new StringBuilder();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append(String.join("\n", wrapLine(lines[i], width, hangingIndent)));
        }
        return out.toString();
    }

    private static List<String> wrapLine(String line, int width, int hangingIndent) {
        if (line.stripTrailing().length() <= width) {
            return List.of(line);
        }
        int indent = hangingIndent;
        if (indent < 0) {
            Matcher m = TABLE_ROW.matcher(line);
            indent = m.find() && m.group(1).length() <= MAX_NAMES_COLUMN ? m.group(1).length() : leadingSpaces(line);
        }
        List<String> out = new ArrayList<>();
        String pad = " ".repeat(indent);
        StringBuilder current = new StringBuilder(line.substring(0, Math.min(indent, line.length())));
        boolean empty = true;
        for (String word : line.substring(Math.min(indent, line.length())).split(" +")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!empty && current.length() + 1 + word.length() > width) {
                out.add(current.toString());
                current = new StringBuilder(pad);
                empty = true;
            }
            if (!empty) {
                current.append(' ');
            }
            current.append(word);
            empty = false;
        }
        out.add(current.toString());
        return out;
    }

    private static int leadingSpaces(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }
}
