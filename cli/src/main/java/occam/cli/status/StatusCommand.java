package occam.cli.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import occam.cli.tables.InputRoots;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code occam status}: the runs of an archive and how far each analysis settings hash has got through them. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the runs of an archive (task, regime, seed, epochs done / planned, complete or not, "
                + "checkpoints) and, with --tables, per analysis settings hash how many checkpoints are analysed, "
                + "quarantined (with the checks that failed) and pending. Reads the Parquet files directly: no Spark."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:status printed", "1:a table could not be read", "2:bad usage (e.g. ARCHIVE is not an archive root)"})
public final class StatusCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "Archive root (the directory holding runs/).")
    Path archive;

    @Option(names = {"-t", "--tables"}, paramLabel = "ROOT", description = "Analysis output root to compare with.")
    Path tables;

    @Option(names = "--json", description = "Print one JSON object (for scripts) instead of tables.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        InputRoots.archive(spec, "ARCHIVE", archive);
        if (tables != null) {
            InputRoots.directory(spec, "--tables", tables);
        }
        Status status = StatusReader.read(archive, tables);
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? json(status) : text(status));
        out.flush();
        return 0;
    }

    static String json(Status status) throws Exception {
        return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(status);
    }

    static String text(Status s) {
        StringBuilder b = new StringBuilder();
        b.append("archive ").append(s.archive()).append(": ").append(s.runs().size()).append(" run(s), ")
                .append(s.checkpoints()).append(" checkpoint(s)\n");
        if (!s.runs().isEmpty()) {
            String[][] rows = new String[s.runs().size() + 1][];
            rows[0] = new String[] {"run", "task", "regime", "seed", "epochs done / planned", "complete", "checkpoints"};
            for (int i = 0; i < s.runs().size(); i++) {
                Status.Run r = s.runs().get(i);
                rows[i + 1] = new String[] {r.runId(), r.task(), r.regime(), String.valueOf(r.seed()),
                        r.epochsDone() + " / " + r.epochsPlanned(), r.complete() ? "yes" : "no", steps(r.checkpoints())};
            }
            table(b, rows);
        }
        if (s.tables() == null) {
            return b.toString().stripTrailing();
        }
        b.append("\ntables ").append(s.tables()).append(": ").append(s.analyses().size()).append(" settings hash(es)");
        if (s.analyses().isEmpty()) {
            b.append(", nothing analysed yet: all ").append(s.checkpoints()).append(" checkpoint(s) pending\n");
            return withWriter(b, s);
        }
        b.append('\n');
        String[][] rows = new String[s.analyses().size() + 1][];
        rows[0] = new String[] {"settings", "analysed", "quarantined", "pending", "failed checks"};
        for (int i = 0; i < s.analyses().size(); i++) {
            Status.Analysis a = s.analyses().get(i);
            String failed = a.failedChecks().entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                    .collect(Collectors.joining(", "));
            if (!a.runsRejected().isEmpty()) {
                failed += (failed.isEmpty() ? "" : "; ") + "runs rejected: " + String.join(", ", a.runsRejected());
            }
            rows[i + 1] = new String[] {a.settingsHash(), String.valueOf(a.analysed()), String.valueOf(a.quarantined()),
                    String.valueOf(a.pending()), failed.isEmpty() ? "-" : failed};
        }
        table(b, rows);
        int elsewhere = s.analyses().stream().mapToInt(Status.Analysis::notInArchive).max().orElse(0);
        if (elsewhere > 0) {
            b.append("(the tables also hold rows of up to ").append(elsewhere).append(" checkpoint(s) that are not in this archive:"
                    + " not counted above)\n");
        }
        return withWriter(b, s);
    }

    /** The analysis that holds the tables' lock, if any, under the tables' lines. */
    private static String withWriter(StringBuilder b, Status s) {
        if (s.writer() != null) {
            b.append(s.writer().host() == null ? "" : "an analysis holds the lock of these tables: ").append(s.writer().describe())
                    .append('\n');
        }
        return b.toString().stripTrailing();
    }

    /** "12: 1 2 3 4 6 8 ... 60", at most the first 4 and the last 2 steps. */
    private static String steps(List<Integer> steps) {
        if (steps.isEmpty()) {
            return "0";
        }
        String shown = steps.size() <= 6 ? join(steps)
                : join(steps.subList(0, 4)) + " ... " + join(steps.subList(steps.size() - 2, steps.size()));
        return steps.size() + " (epochs " + shown + ")";
    }

    private static String join(List<Integer> xs) {
        return xs.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    /** Left-aligned columns, two spaces apart. */
    private static void table(StringBuilder b, String[][] rows) {
        int[] width = new int[rows[0].length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                line.append(c == 0 ? "" : "  ").append(String.format("%-" + width[c] + "s", row[c]));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
