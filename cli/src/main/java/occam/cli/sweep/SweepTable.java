package occam.cli.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The sweep's final table: per run its status, the epochs in the archive, the first logged epochs with train and
 * test accuracy at least 0.99 (memorization, generalization), and the wall time of its child in this sweep.
 */
final class SweepTable {

    static final List<String> HEADER =
            List.of("run", "status", "epochs", "memorization", "generalization", "wall time");

    private SweepTable() {
    }

    /** One row of cells per outcome, in the order given. */
    static List<List<String>> rows(List<RunOutcome> outcomes, ArchiveProgress archive) {
        List<List<String>> rows = new ArrayList<>();
        for (RunOutcome o : outcomes) {
            String id = o.run().runId();
            String memorization = "-";
            String generalization = "-";
            if (archive.hasRun(id)) {
                try {
                    ArchiveProgress.Milestones m = archive.milestones(id);
                    memorization = epoch(m.memorization());
                    generalization = epoch(m.generalization());
                } catch (RuntimeException e) { // an unreadable metrics file is the archive's problem, not the table's
                    memorization = "unreadable: " + e.getMessage();
                }
            }
            rows.add(List.of(id, o.describe(), archive.lastEpoch(id) + "/" + o.run().epochs(), memorization,
                    generalization, Durations.format(o.child().wallSeconds())));
        }
        return rows;
    }

    private static String epoch(OptionalInt epoch) {
        return epoch.isPresent() ? Integer.toString(epoch.getAsInt()) : "never";
    }

    /** The rows under the header, columns aligned. */
    static String format(List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(HEADER);
        all.addAll(rows);
        int[] widths = new int[HEADER.size()];
        for (List<String> row : all) {
            for (int c = 0; c < row.size(); c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.size(); c++) {
                line.append(String.format("%-" + widths[c] + "s", row.get(c))).append(c + 1 < row.size() ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return out.toString();
    }
}
